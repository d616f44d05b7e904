import type { Sql } from './sql';

/**
 * Versioned schema migrations, applied in order on the object's first use. Each area of the store
 * (rules, clients, customers, ...) owns its list; ids are `<area>/<nnn>` and never change once
 * released, so an object created by any earlier version catches up step by step.
 */
export interface Migration {
  id: string;
  statements: string[];
}

export function applyMigrations(storage: DurableObjectStorage, migrations: Migration[]): void {
  const sql = storage.sql;
  sql.exec('CREATE TABLE IF NOT EXISTS _migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const done = new Set(
    sql
      .exec<{ id: string }>('SELECT id FROM _migrations')
      .toArray()
      .map((r) => r.id),
  );
  for (const m of migrations) {
    if (done.has(m.id)) continue;
    storage.transactionSync(() => {
      for (const statement of m.statements) sql.exec(statement);
      sql.exec('INSERT INTO _migrations (id, applied_at) VALUES (?, ?)', m.id, Date.now());
    });
  }
}

export const metaMigrations: Migration[] = [
  {
    id: 'meta/001',
    statements: [
      // Small account-wide values: the content version the public cache keys on, settings, cursors.
      'CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
      "INSERT INTO meta (key, value) VALUES ('content_version', '1')",
    ],
  },
];

/** Every write that changes what the public offers list could show bumps this. */
export function bumpContentVersion(sql: Sql): void {
  sql.exec("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'content_version'");
}

export function contentVersion(sql: Sql): number {
  return Number(sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'content_version'").one().value);
}
