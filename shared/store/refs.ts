import type { Migration } from './migrations';

/**
 * Refs: a rule given to one customer (`kind = 'customer'`), to every purchase with a customer
 * (`kind = '*'`) or to purchases without one (`kind = '/'`). `customer_id` is NULL for `*` and `/`.
 * The counters are the ref's live statistics; claims change them in the same transaction that
 * records the claim.
 */
export const refMigrations: Migration[] = [
  {
    id: 'refs/001',
    statements: [
      `CREATE TABLE refs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        rule_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('customer', '*', '/')),
        customer_id TEXT,
        offering_constraint_id TEXT,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        deleted_at INTEGER,
        deleted_by TEXT,
        usage INTEGER NOT NULL DEFAULT 0,
        amount INTEGER NOT NULL DEFAULT 0,
        stamp INTEGER NOT NULL DEFAULT 0,
        debit_balance INTEGER NOT NULL DEFAULT 0
      )`,
      'CREATE INDEX refs_by_rule ON refs (rule_id, seq)',
      'CREATE INDEX refs_by_customer ON refs (customer_id, seq)',
      'CREATE INDEX refs_by_kind ON refs (kind, seq)',
      // One ref per customer and offering constraint, however often the same gift is sent.
      `CREATE UNIQUE INDEX refs_by_constraint ON refs (rule_id, kind, IFNULL(customer_id, ''), offering_constraint_id)
        WHERE offering_constraint_id IS NOT NULL`,
    ],
  },
];
