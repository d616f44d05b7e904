import { bumpContentVersion } from './migrations';
import type { Sql } from './sql';

type Deleted<T> = T & { updated_at: string; updated_by: string; deleted_at: string; deleted_by: string };

/**
 * Soft-deletes a row that keeps its entity as JSON in `body` (rules, campaigns): the body and the
 * `updated_at`/`deleted_at` columns get the same instant, and the public list's version moves.
 */
export function softDeleteBody<T extends object>(
  sql: Sql,
  table: string,
  keyColumn: string,
  key: string,
  current: T,
  actor: string,
): Deleted<T> {
  const now = new Date().toISOString();
  const deleted = { ...current, updated_at: now, updated_by: actor, deleted_at: now, deleted_by: actor };
  sql.exec(
    `UPDATE ${table} SET body = ?, updated_at = ?, deleted_at = ? WHERE ${keyColumn} = ?`,
    JSON.stringify(deleted),
    Date.parse(now),
    Date.parse(now),
    key,
  );
  bumpContentVersion(sql);
  return deleted;
}
