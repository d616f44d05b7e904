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
 */
export function cursorSeq(sql: Sql, table: string, what: string, id: string, column = 'id'): number {
  const row = one<{ seq: number }>(sql, `SELECT seq FROM ${table} WHERE ${column} = ?`, id);
  if (!row) {
    throw invalid(`starting_after names no ${what}`, [
      { field: 'starting_after', code: 'unknown_id', message: `No ${what} with this ${column}` },
    ]);
  }
  return row.seq;
}
