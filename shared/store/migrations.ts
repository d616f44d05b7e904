import { META_KEYS } from '../keys';
import type { Sql } from './sql';

/**
 * Versioned schema migrations, applied in order on the object's first use. Each area of the store
 * (rules, clients, customers, ...) owns its statements under ids `<area>/<nnn>`; ids never change
 * once released, so an object created by any earlier version catches up step by step.
 */
export interface Migration {
  id: string;
  statements: string[];
}

/**
 * The one order every account applies its migrations in. Append a new id at the end; never move
 * or remove one (an object created by an earlier version has applied the ones before it). A later
 * migration of one area may depend on another area's (refs/003 reads maintenance/001's column).
 */
export const MIGRATION_ORDER = [
  'meta/001',
  'rules/001',
  'clients/001',
  'refs/001',
  'refs/002',
  'claims/001',
  'claims/002',
  'customers/001',
  'settings/001',
  'campaigns/001',
  'checkout/001',
  'maintenance/001',
  'refs/003',
  'refs/004',
  'refs/005',
  'customers/002',
  'automations/001',
  'search/001',
  'maintenance/002',
  'checkout/002',
  'automations/002',
  'codes/001',
  'checkout/003',
  'budgets/001',
  'customers/003',
  'customers/004',
  'locations/001',
  'clients/002',
] as const;

/** The areas' migrations in MIGRATION_ORDER; throws if one is not listed there or a listed one is missing. */
export function inOrder(migrations: readonly Migration[]): Migration[] {
  const byId = new Map(migrations.map((m) => [m.id, m]));
  const unlisted = migrations.filter((m) => !(MIGRATION_ORDER as readonly string[]).includes(m.id));
  if (unlisted.length || byId.size !== migrations.length) {
    throw new Error(`Migrations not in MIGRATION_ORDER once each: ${unlisted.map((m) => m.id).join(', ')}`);
  }
  return MIGRATION_ORDER.map((id) => {
    const migration = byId.get(id);
    if (!migration) throw new Error(`MIGRATION_ORDER names ${id}, which no area defines`);
    return migration;
  });
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
  sql.exec('UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = ?', META_KEYS.contentVersion);
}

export function contentVersion(sql: Sql): number {
  const row = sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', META_KEYS.contentVersion).one();
  return Number(row.value);
}
