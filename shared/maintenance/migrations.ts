import type { Migration } from '../store/migrations';

/**
 * What scheduled cleanups need from the tables other areas own: marks (`expired_at`,
 * `archived_at`) instead of deletions where history must stay, and indexes that make "is anything
 * due?" a handful of index probes however large the account is (docs/storage.md, "Retention").
 */
export const maintenanceMigrations: Migration[] = [
  {
    id: 'maintenance/001',
    statements: [
      // Stamps past their rule's stamp_expire_days: left out of refs.stamp / rules.stat_stamp.
      'ALTER TABLE ref_usages ADD COLUMN expired_at INTEGER',
      `CREATE INDEX ref_usages_unexpired ON ref_usages (rule_id, purchase_at)
        WHERE stamp > 0 AND released_at IS NULL AND expired_at IS NULL`,
      // Rules whose window ended long ago leave the set the engine compiles.
      'ALTER TABLE rules ADD COLUMN archived_at INTEGER',
      'CREATE INDEX rules_archivable ON rules (purchase_to) WHERE archived_at IS NULL AND deleted_at IS NULL',
      `CREATE INDEX rules_stamp_expiry ON rules (json_extract(body, '$.limitation.stamp_expire_days'))
        WHERE json_extract(body, '$.limitation.stamp_expire_days') IS NOT NULL`,
      // Soft-deleted rows in deletion order: the purge walks each once, behind a cursor.
      'CREATE INDEX rules_by_deleted ON rules (deleted_at, seq) WHERE deleted_at IS NOT NULL',
      'CREATE INDEX refs_by_deleted ON refs (deleted_at, seq) WHERE deleted_at IS NOT NULL',
      'CREATE INDEX customers_by_deleted ON customers (deleted_at, seq) WHERE deleted_at IS NOT NULL',
      'CREATE INDEX checkout_events_by_created ON checkout_events (created_at)',
    ],
  },
  {
    id: 'maintenance/002',
    statements: [
      // The purge keeps a deleted customer that ledger rows name (a `*` ref's rows name customers
      // its ref row does not): one index probe per deleted customer.
      'CREATE INDEX ref_usages_by_customer ON ref_usages (customer_id) WHERE customer_id IS NOT NULL',
    ],
  },
];
