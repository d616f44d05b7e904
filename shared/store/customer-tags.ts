import { conflict, invalid, notFound } from '../errors';
import { iso } from '../time';
import type { Customer } from '../schemas/customer';
import type { Migration } from './migrations';
import { all, one, type Sql } from './sql';

/**
 * Dintero's tag registry (`/customers/tags`): a tag has an `id` (what customers' `tag_ids` hold)
 * and a `tag` text. Tags set on a customer that the registry does not know are registered with
 * `tag` = id, so free-form tag ids keep working and every customer tag can be answered as Dintero's
 * CustomerTag. Deleting a tag takes it off every customer.
 */
export const customerTagMigrations: Migration[] = [
  {
    id: 'customers/004',
    statements: [
      `CREATE TABLE customer_tag_registry (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        tag TEXT NOT NULL,
        metadata TEXT,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      )`,
      // The free-form tags customers already carry become registered tags named by their id.
      `INSERT INTO customer_tag_registry (id, tag, created_at, created_by, updated_at)
       SELECT tag_id, tag_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 'migration',
              CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
       FROM (SELECT DISTINCT tag_id FROM customer_tags ORDER BY tag_id)`,
    ],
  },
];

/** Most tags an account's registry holds (GET /customers/tags answers them all, unpaged). */
export const MAX_TAGS = 1000;

export interface CustomerTag {
  id: string;
  tag: string;
  metadata?: Record<string, unknown>;
  created_at: string;
  created_by: string;
  updated_at: string;
  deleted_at?: string;
  deleted_by?: string;
}
type TagRow = {
  id: string;
  tag: string;
  metadata: string | null;
  created_at: number;
  created_by: string;
  updated_at: number;
};
const toTag = (r: TagRow): CustomerTag => ({
  id: r.id,
  tag: r.tag,
  ...(r.metadata !== null && { metadata: JSON.parse(r.metadata) }),
  created_at: iso(r.created_at),
  created_by: r.created_by,
  updated_at: iso(r.updated_at),
});

export class CustomerTagRegistry {
  constructor(private readonly sql: Sql) {}

  list(): CustomerTag[] {
    return all<TagRow>(this.sql, 'SELECT * FROM customer_tag_registry ORDER BY seq').map(toTag);
  }

  create(input: { id?: string; tag: string; metadata?: Record<string, unknown> }, actor: string): CustomerTag {
    const id = input.id ?? crypto.randomUUID();
    if (one(this.sql, 'SELECT 1 AS x FROM customer_tag_registry WHERE id = ?', id)) {
      throw conflict('A tag with this id exists', [
        { field: 'id', code: 'duplicate', message: 'A tag with this id exists' },
      ]);
    }
    this.assertRoom(1);
    return this.insert(id, input.tag, input.metadata, actor);
  }

  /** Registers the ids the registry does not know yet (tag = id). */
  ensure(ids: readonly string[], actor: string): void {
    const unknown = ids.filter((id) => !one(this.sql, 'SELECT 1 AS x FROM customer_tag_registry WHERE id = ?', id));
    if (!unknown.length) return;
    this.assertRoom(unknown.length);
    for (const id of unknown) this.insert(id, id, undefined, actor);
  }

  /** The registry's tags for these ids, in the given order. */
  byIds(ids: readonly string[]): CustomerTag[] {
    return ids.flatMap((id) => {
      const row = one<TagRow>(this.sql, 'SELECT * FROM customer_tag_registry WHERE id = ?', id);
      return row ? [toTag(row)] : [];
    });
  }

  /** Deletes the tag and takes it off every customer; answers it with deleted_at/by. */
  delete(id: string, actor: string): CustomerTag {
    const row = one<TagRow>(this.sql, 'SELECT * FROM customer_tag_registry WHERE id = ?', id);
    if (!row) throw notFound('Tag');
    const now = Date.now();
    const holders = all<{ seq: number; body: string }>(
      this.sql,
      'SELECT c.seq, c.body FROM customer_tags t JOIN customers c ON c.seq = t.seq WHERE t.tag_id = ?',
      id,
    );
    for (const h of holders) {
      const customer = JSON.parse(h.body) as Customer;
      const next = { ...customer, tag_ids: (customer.tag_ids ?? []).filter((t) => t !== id) };
      next.updated_at = iso(now);
      next.updated_by = actor;
      this.sql.exec('UPDATE customers SET body = ?, updated_at = ? WHERE seq = ?', JSON.stringify(next), now, h.seq);
    }
    this.sql.exec('DELETE FROM customer_tags WHERE tag_id = ?', id);
    this.sql.exec('DELETE FROM customer_tag_registry WHERE id = ?', id);
    return { ...toTag(row), deleted_at: iso(now), deleted_by: actor };
  }

  private assertRoom(adding: number): void {
    const n = this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM customer_tag_registry').one().n;
    if (n + adding > MAX_TAGS) throw invalid(`An account holds at most ${MAX_TAGS} tags`);
  }

  private insert(id: string, tag: string, metadata: Record<string, unknown> | undefined, actor: string): CustomerTag {
    const now = Date.now();
    const row = this.sql
      .exec<TagRow>(
        `INSERT INTO customer_tag_registry (id, tag, metadata, created_at, created_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
        id,
        tag,
        metadata === undefined ? null : JSON.stringify(metadata),
        now,
        actor,
        now,
      )
      .one();
    return toTag(row);
  }
}
