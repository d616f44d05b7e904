import { env } from 'cloudflare:workers';
import {
  createExecutionContext,
  createScheduledController,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test';
import worker from '../../functions/index';
import type { Env } from '../../functions/env';

export const DAY = 86_400_000;
export const RETENTION = 90 * DAY;

/** Runs the Worker's `scheduled` handler as the cron would, at `scheduledTime`. */
export async function cron(scheduledTime: number, withEnv: Env = env as unknown as Env): Promise<void> {
  const controller = createScheduledController({ scheduledTime, cron: '0 * * * *' });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, withEnv, ctx);
  await waitOnExecutionContext(ctx);
}

/** Runs SQL inside the account object (to date rows at exact boundaries). */
export function sql(
  aid: string,
  query: string,
  ...args: SqlStorageValue[]
): Promise<Record<string, SqlStorageValue>[]> {
  return runInDurableObject(env.ACCOUNTS.getByName(aid), (_o, state) =>
    state.storage.sql.exec(query, ...args).toArray(),
  );
}

export type Dump = Record<string, Map<string, string>>;

/** Every row of every table, keyed by its primary key columns, as JSON: a byte-for-byte picture. */
export function dump(aid: string): Promise<Dump> {
  return runInDurableObject(env.ACCOUNTS.getByName(aid), (_o, state) => {
    const db = state.storage.sql;
    const tables = db
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
      )
      .toArray()
      .map((t) => t.name);
    const out: Dump = {};
    for (const table of tables) {
      const pk = db
        .exec<{ name: string; pk: number }>(
          `SELECT name, pk FROM pragma_table_info('${table}') WHERE pk > 0 ORDER BY pk`,
        )
        .toArray()
        .map((c) => c.name);
      const rows = new Map<string, string>();
      for (const row of db.exec(`SELECT * FROM ${table}`).toArray()) {
        rows.set(pk.length ? pk.map((c) => String(row[c])).join('|') : JSON.stringify(row), JSON.stringify(row));
      }
      out[table] = rows;
    }
    return out;
  });
}

export interface TableDiff {
  removed: string[];
  added: string[];
  /** key → the columns whose values changed */
  changed: Record<string, string[]>;
}

/** What changed between two dumps, per table; tables without changes are left out. */
export function diff(before: Dump, after: Dump): Record<string, TableDiff> {
  const out: Record<string, TableDiff> = {};
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[table] ?? new Map<string, string>();
    const b = after[table] ?? new Map<string, string>();
    const d: TableDiff = { removed: [], added: [], changed: {} };
    for (const [key, row] of a) {
      const now = b.get(key);
      if (now === undefined) d.removed.push(key);
      else if (now !== row) {
        const x = JSON.parse(row) as Record<string, unknown>;
        const y = JSON.parse(now) as Record<string, unknown>;
        d.changed[key] = Object.keys({ ...x, ...y }).filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]));
      }
    }
    for (const key of b.keys()) if (!a.has(key)) d.added.push(key);
    if (d.removed.length || d.added.length || Object.keys(d.changed).length) {
      d.removed.sort();
      d.added.sort();
      out[table] = d;
    }
  }
  return out;
}
