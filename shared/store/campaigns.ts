import { invalid, conflict, notFound } from '../errors';
import type { Campaign, CampaignInput, CampaignListQuery, CampaignUpdate } from '../schemas/campaign';
import { bumpContentVersion, type Migration } from './migrations';
import { softDeleteBody } from './soft-delete';
import { all, one, paging, Where, type Sql } from './sql';

export const campaignMigrations: Migration[] = [
  {
    id: 'campaigns/001',
    statements: [
      `CREATE TABLE campaigns (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        campaign_id TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        private INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        deleted_at INTEGER
      )`,
      'CREATE INDEX campaigns_by_updated ON campaigns (updated_at, seq)',
      // The public rules list asks "is this rule's campaign private?" on every uncached request.
      'CREATE INDEX campaigns_private ON campaigns (private, campaign_id)',
    ],
  },
];

export class CampaignStore {
  constructor(private readonly sql: Sql) {}

  create(input: CampaignInput, actor: string, id: string): Campaign {
    const campaignId = input.campaign_id ?? id;
    if (one(this.sql, 'SELECT 1 FROM campaigns WHERE campaign_id = ?', campaignId)) {
      throw conflict('A campaign with this campaign_id exists already (PUT it to change or restore it)');
    }
    const now = new Date().toISOString();
    const campaign: Campaign = {
      id,
      campaign_id: campaignId,
      name: input.name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      private: input.private ?? false,
      ...(input.metadata !== undefined ? { metadata: input.metadata } : {}),
      ...(input.limitation !== undefined ? { limitation: input.limitation } : {}),
      created_at: now,
      created_by: actor,
      updated_at: now,
      updated_by: actor,
    };
    this.sql.exec(
      'INSERT INTO campaigns (id, campaign_id, body, private, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      id,
      campaignId,
      JSON.stringify(campaign),
      campaign.private ? 1 : 0,
      Date.parse(now),
      Date.parse(now),
    );
    bumpContentVersion(this.sql);
    return campaign;
  }

  get(campaignId: string): Campaign {
    const row = one<{ body: string }>(this.sql, 'SELECT body FROM campaigns WHERE campaign_id = ?', campaignId);
    if (!row) throw notFound('Campaign');
    return JSON.parse(row.body) as Campaign;
  }

  list(q: CampaignListQuery): { campaigns: Campaign[]; total?: number } {
    const where = new Where();
    if (q.state === 'public') where.add('deleted_at IS NULL AND private = 0');
    if (q.state === 'private') where.add('deleted_at IS NULL AND private = 1');
    if (q.state === 'deleted') where.add('deleted_at IS NOT NULL');
    const total = q.total
      ? this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM campaigns ${where}`, ...where.args).one().n
      : undefined;

    // Either id names the campaign: the minted `id` or the merchant's `campaign_id`.
    const order = paging(this.sql, where, q, { table: 'campaigns', what: 'campaign', cursor: ['id', 'campaign_id'] });
    const rows = all<{ body: string }>(
      this.sql,
      `SELECT body FROM campaigns ${where} ORDER BY ${order} LIMIT ?`,
      ...where.args,
      q.limit,
    );
    return { campaigns: rows.map((r) => JSON.parse(r.body) as Campaign), total };
  }

  /** Partial update; also restores a deleted campaign. */
  update(campaignId: string, patch: CampaignUpdate, actor: string): Campaign {
    const current = this.get(campaignId);
    if (patch.campaign_id !== undefined && patch.campaign_id !== campaignId) {
      throw invalid('campaign_id cannot change', [
        { field: 'campaign_id', code: 'immutable', message: 'campaign_id cannot change' },
      ]);
    }
    const { deleted_at: _d, deleted_by: _db, description, metadata, limitation, ...kept } = current;
    const nextLimitation = patch.limitation === undefined ? limitation : (patch.limitation ?? undefined);
    const nextDescription = patch.description === undefined ? description : (patch.description ?? undefined);
    const nextMetadata = patch.metadata === undefined ? metadata : (patch.metadata ?? undefined);
    const now = new Date().toISOString();
    const campaign: Campaign = {
      ...kept,
      name: patch.name ?? current.name,
      ...(nextDescription !== undefined ? { description: nextDescription } : {}),
      private: patch.private ?? current.private,
      ...(nextMetadata !== undefined ? { metadata: nextMetadata } : {}),
      ...(nextLimitation !== undefined ? { limitation: nextLimitation } : {}),
      updated_at: now,
      updated_by: actor,
    };
    this.sql.exec(
      'UPDATE campaigns SET body = ?, private = ?, updated_at = ?, deleted_at = NULL WHERE campaign_id = ?',
      JSON.stringify(campaign),
      campaign.private ? 1 : 0,
      Date.parse(now),
      campaignId,
    );
    bumpContentVersion(this.sql);
    return campaign;
  }

  /** Soft delete; the campaign's rules are left as they are. Deleting again changes nothing. */
  delete(campaignId: string, actor: string): Campaign {
    const current = this.get(campaignId);
    if (current.deleted_at) return current;
    return softDeleteBody(this.sql, 'campaigns', 'campaign_id', campaignId, current, actor);
  }
}
