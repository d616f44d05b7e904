import { META_KEYS } from '../keys';
import { refEndSql } from '../engine/usability';
import {
  toPublicRule,
  type PublicAnswer,
  type PublicCacheInfo,
  type PublicRule,
  type PublicRulesQuery,
} from '../schemas/public-rules';
import type { Rule } from '../schemas/rule';
import { SETTINGS_DEFAULTS } from '../schemas/settings';
import type { SettingsStore } from './settings';
import { cursorSeq, all, one, Where, type Sql, type Value } from './sql';

// When the rule shows up: `visible_from` if set, else `purchase_from` (both epoch ms).
const VISIBLE_FROM =
  `COALESCE(` +
  `CAST(unixepoch(json_extract(r.body, '$.visible_from'), 'subsec') * 1000 AS INTEGER), ` +
  `r.purchase_from)`;
// When the ref stops being usable (purchase_to, or its dynamic_purchase_to_days end): the engine's
// usability module builds it next to the TypeScript rule it mirrors.
const REF_END = refEndSql({ body: 'r.body', purchaseTo: 'r.purchase_to', createdAt: 'f.created_at' });

/**
 * The storefront's view of rules: a rule is public while it is not private, not deleted, active,
 * given to `*` or `/` by a live ref, and visible now. A rule given to both (or twice) appears once,
 * under its oldest qualifying ref.
 */
/** Whether the rule has a code pool (docs/codes.md): then it needs a code like `requirement.discount_code`. */
const POOL = 'EXISTS (SELECT 1 FROM code_pools p WHERE p.rule_id = r.id)';

export class PublicRulesStore {
  constructor(
    private readonly sql: Sql,
    private readonly settings: SettingsStore,
  ) {}

  /** One cheap read: everything the cached path needs, so a cache hit costs one call to the object. */
  cacheInfo(): PublicCacheInfo {
    const rows = all<{ key: string; value: string }>(
      this.sql,
      'SELECT key, value FROM meta WHERE key IN (?, ?)',
      META_KEYS.contentVersion,
      META_KEYS.cacheEpoch,
    );
    const meta = Object.fromEntries(rows.map((r) => [r.key, r.value]));
    const offers = this.settings.values().public_offers ?? SETTINGS_DEFAULTS.public_offers;
    return { version: `${meta[META_KEYS.cacheEpoch]}.${meta[META_KEYS.contentVersion]}`, ...offers };
  }

  private version(): string {
    return this.cacheInfo().version;
  }

  list(q: PublicRulesQuery, now = Date.now()): PublicAnswer<PublicRule[]> {
    const where = this.visible(q, now);
    let after = 0;
    if (q.starting_after) {
      after = cursorSeq(this.sql, 'refs', 'ref', q.starting_after);
    }
    const rows = all<{ body: string; ref_id: string; ref_seq: number; pool: number }>(
      this.sql,
      // SQLite takes the bare column f.id from the row that gave MIN(f.seq).
      `SELECT r.body AS body, f.id AS ref_id, MIN(f.seq) AS ref_seq, ${POOL} AS pool
       FROM refs f JOIN rules r ON r.id = f.rule_id ${where}
       GROUP BY r.id HAVING ref_seq > ? ORDER BY ref_seq LIMIT ?`,
      ...where.args,
      after,
      q.limit,
    );
    return {
      version: this.version(),
      data: rows.map((r) => toPublicRule(JSON.parse(r.body) as Rule, r.ref_id, r.pool === 1)),
      valid_until: this.nextChange(q, now),
      cacheable: this.campaignsExist(q.campaign_id ?? []),
    };
  }

  get(ruleId: string, now = Date.now()): PublicAnswer<PublicRule | null> {
    const q: PublicRulesQuery = { limit: 1 };
    const where = this.visible(q, now).add('r.id = ?', ruleId);
    const row = one<{ body: string; ref_id: string; pool: number }>(
      this.sql,
      `SELECT r.body AS body, f.id AS ref_id, MIN(f.seq) AS ref_seq, ${POOL} AS pool FROM refs f ` +
        `JOIN rules r ON r.id = f.rule_id ${where} GROUP BY r.id`,
      ...where.args,
    );
    return {
      version: this.version(),
      data: row ? toPublicRule(JSON.parse(row.body) as Rule, row.ref_id, row.pool === 1) : null,
      valid_until: this.nextChange(q, now, ruleId),
      cacheable: true,
    };
  }

  /** Whether every id names a campaign (deleted ones too) or is the campaign_id of some rule. */
  private campaignsExist(ids: string[]): boolean {
    if (!ids.length) return true;
    const wanted = JSON.stringify([...new Set(ids)]);
    const row = one<{ n: number }>(
      this.sql,
      `SELECT COUNT(*) AS n FROM json_each(?1) w
       WHERE EXISTS (SELECT 1 FROM campaigns c WHERE c.campaign_id = w.value)
          OR EXISTS (SELECT 1 FROM rules r WHERE r.campaign_id = w.value)`,
      wanted,
    );
    return row!.n === new Set(ids).size;
  }

  /** Conditions that do not depend on the clock: which refs and rules could ever be public. */
  private eligible(q: PublicRulesQuery): Where {
    const where = new Where()
      .add('f.deleted_at IS NULL')
      .add(q.no_customer_id ? "f.kind = '/'" : "f.kind IN ('*', '/')")
      .add('r.deleted_at IS NULL AND r.active = 1 AND r.private = 0');
    if (q.campaign_id?.length) {
      const marks = q.campaign_id.map(() => '?').join(', ');
      where.add(
        `r.campaign_id IN (${marks}) AND r.campaign_id NOT IN (SELECT campaign_id FROM campaigns WHERE private = 1)`,
        ...q.campaign_id,
      );
    }
    return where;
  }

  private visible(q: PublicRulesQuery, now: number): Where {
    return this.eligible(q).add(`${VISIBLE_FROM} <= ? AND ${REF_END} >= ?`, now, now);
  }

  /**
   * The next instant at which the answer would change with no write at all: a rule becoming
   * visible or running out. A cached answer is never served past it.
   */
  private nextChange(q: PublicRulesQuery, now: number, ruleId?: string): number | null {
    const where = this.eligible(q).add(`${REF_END} >= ?`, now);
    if (ruleId) where.add('r.id = ?', ruleId);
    const args: Value[] = [now, ...where.args];
    const row = one<{ t: number | null }>(
      this.sql,
      `SELECT MIN(CASE WHEN ${VISIBLE_FROM} > ? THEN ${VISIBLE_FROM} ELSE ${REF_END} + 1 END) AS t
       FROM refs f JOIN rules r ON r.id = f.rule_id ${where}`,
      ...args,
    );
    return row?.t ?? null;
  }
}
