/** Thin typed helpers over the Durable Object's synchronous SQLite API. */
import { invalid } from '../errors';
export type Sql = SqlStorage;
export type Value = SqlStorageValue;

export function all<T>(sql: Sql, query: string, ...args: Value[]): T[] {
  return sql.exec(query, ...args).toArray() as T[];
}

export function one<T>(sql: Sql, query: string, ...args: Value[]): T | undefined {
  return sql.exec(query, ...args).toArray()[0] as T | undefined;
}

export function run(sql: Sql, query: string, ...args: Value[]): number {
  return sql.exec(query, ...args).rowsWritten;
}

/** A WHERE clause assembled from optional conditions, each with its own arguments. */
export class Where {
  private readonly parts: string[] = [];
  readonly args: Value[] = [];

  add(condition: string, ...args: Value[]): this {
    this.parts.push(condition);
    this.args.push(...args);
    return this;
  }

  toString(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

/**
 * The `seq` of the row a list's `starting_after` names (lists page in `seq` order). An id that
 * names nothing is the client's mistake, answered 400 naming the parameter, not an empty page.
 * `column` may list several: campaigns are named by their minted `id` or the merchant's `campaign_id`.
 */
export function cursorSeq(sql: Sql, table: string, what: string, id: string, column: string | string[] = 'id'): number {
  const columns = typeof column === 'string' ? [column] : column;
  const row = one<{ seq: number }>(
    sql,
    `SELECT seq FROM ${table} WHERE ${columns.map((c) => `${c} = ?`).join(' OR ')}`,
    ...columns.map(() => id),
  );
  if (!row) {
    throw invalid(`starting_after names no ${what}`, [
      { field: 'starting_after', code: 'unknown_id', message: `No ${what} with this ${columns[0]}` },
    ]);
  }
  return row.seq;
}

/** The paging parameters every list takes (spec §1); `since_datetime` only where a list offers it. */
export interface PageQuery {
  starting_after?: string;
  since_datetime?: string;
}

/** What a list pages through: the table `starting_after` names a row of, and how its columns are spelled. */
export interface Paged {
  table: string;
  /** The object in the merchant's words, for the error: "starting_after names no discount rule". */
  what: string;
  /** The column(s) `starting_after` is matched against. */
  cursor?: string | string[];
  /** The list's `seq` and `updated_at` as the query spells them (qualified when it joins). */
  seq?: string;
  updatedAt?: string;
  /** Newest first (checkout events): the page after a cursor holds smaller `seq`s. */
  newestFirst?: boolean;
}

/**
 * Adds a list's paging to `where` and answers its ORDER BY. `since_datetime` follows changes (by
 * update time, then `seq`) and wins over `starting_after`, which continues after the named row.
 * Call it after counting the total: the total counts every match, not what is left after the cursor.
 */
export function paging(sql: Sql, where: Where, q: PageQuery, list: Paged): string {
  const { seq = 'seq', updatedAt = 'updated_at' } = list;
  if (q.since_datetime) {
    where.add(`${updatedAt} >= ?`, Date.parse(q.since_datetime));
    return `${updatedAt}, ${seq}`;
  }
  if (q.starting_after !== undefined) {
    const after = cursorSeq(sql, list.table, list.what, q.starting_after, list.cursor);
    where.add(list.newestFirst ? `${seq} < ?` : `${seq} > ?`, after);
  }
  return list.newestFirst ? `${seq} DESC` : seq;
}
