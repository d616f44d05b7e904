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
  {
    id: 'refs/002',
    statements: [
      'ALTER TABLE refs ADD COLUMN updated_by TEXT',
      // The usage ledger: one row per ref touched by a claim, a usage_ref or a recorded receipt.
      // Releasing marks the row and subtracts exactly what it added, so statistics never drift;
      // stamps are read from here (with their purchase time) so that stamp_expire_days works.
      `CREATE TABLE ref_usages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        ref_id TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        customer_id TEXT,
        source TEXT NOT NULL CHECK (source IN ('claim', 'usage_ref', 'receipt')),
        source_ref TEXT,
        ref_type TEXT,
        usage INTEGER NOT NULL,
        amount INTEGER NOT NULL,
        stamp INTEGER NOT NULL,
        debit INTEGER NOT NULL,
        purchase_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        released_at INTEGER,
        released_by TEXT
      )`,
      'CREATE INDEX ref_usages_by_rule ON ref_usages (rule_id, seq)',
      'CREATE INDEX ref_usages_by_ref ON ref_usages (ref_id, customer_id)',
      'CREATE INDEX ref_usages_by_source ON ref_usages (source_ref, source)',
      // A ref's live stamps without walking its whole history (a `/` or `*` ref collects rows forever).
      `CREATE INDEX ref_usages_stamps ON ref_usages (ref_id, customer_id, purchase_at)
        WHERE stamp > 0 AND released_at IS NULL`,
      // "The same usage_ref.ref twice counts once", per ref and customer.
      `CREATE UNIQUE INDEX ref_usages_once ON ref_usages (ref_id, IFNULL(customer_id, ''), source_ref)
        WHERE source = 'usage_ref'`,
    ],
  },
];

/**
 * Runs after maintenance/001 (it reads `expired_at`): see MIGRATION_ORDER in migrations.ts. A
 * reward used to spend "the oldest `usage × stamp` stamps", inferred on every read; from here on
 * each redemption records the stamps it spent (docs/refs.md, "Stamps").
 */
export const stampSpendMigrations: Migration[] = [
  {
    id: 'refs/003',
    statements: [
      // How many of the row's stamps rewards have spent (the sum of its stamp_spends).
      'ALTER TABLE ref_usages ADD COLUMN spent INTEGER NOT NULL DEFAULT 0',
      // Which stamps (`stamp_usage_id`'s) a redeeming ledger row (`usage_id`) spent, so that
      // releasing it gives back exactly those.
      `CREATE TABLE stamp_spends (
        usage_id TEXT NOT NULL,
        stamp_usage_id TEXT NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        PRIMARY KEY (usage_id, stamp_usage_id)
      )`,
      // Existing redemptions: record exactly what the old inference spent (the oldest
      // `usage × stamp` live stamps per ref and owner, expired ones included), so no answer
      // changes. Redemptions spend in purchase order; each takes its slice of that prefix.
      `INSERT INTO stamp_spends (usage_id, stamp_usage_id, quantity)
       WITH live AS (
         SELECT u.id, u.seq, u.ref_id, IFNULL(u.customer_id, '') AS who, u.purchase_at, u.usage, u.stamp,
                CAST(json_extract(r.body, '$.requirement.stamp') AS INTEGER) AS need
         FROM ref_usages u JOIN rules r ON r.id = u.rule_id
         WHERE u.released_at IS NULL AND json_extract(r.body, '$.requirement.stamp') > 0
       ),
       redeem AS (
         SELECT id, ref_id, who,
                need * (SUM(usage) OVER w - usage) AS lo, need * SUM(usage) OVER w AS hi
         FROM live WHERE usage > 0
         WINDOW w AS (PARTITION BY ref_id, who ORDER BY purchase_at, seq ROWS UNBOUNDED PRECEDING)
       ),
       stamps AS (
         SELECT id, ref_id, who, SUM(stamp) OVER w - stamp AS lo, SUM(stamp) OVER w AS hi
         FROM live WHERE stamp > 0
         WINDOW w AS (PARTITION BY ref_id, who ORDER BY purchase_at, seq ROWS UNBOUNDED PRECEDING)
       )
       SELECT r.id, s.id, MIN(r.hi, s.hi) - MAX(r.lo, s.lo)
       FROM redeem r JOIN stamps s ON s.ref_id = r.ref_id AND s.who = r.who AND s.lo < r.hi AND s.hi > r.lo`,
      `UPDATE ref_usages SET spent = (SELECT SUM(quantity) FROM stamp_spends WHERE stamp_usage_id = ref_usages.id)
       WHERE id IN (SELECT stamp_usage_id FROM stamp_spends)`,
      // The counters now hold unspent stamps only (the expired ones left them already).
      `UPDATE refs SET stamp = stamp - (SELECT SUM(spent) FROM ref_usages u
         WHERE u.ref_id = refs.id AND u.spent > 0 AND u.released_at IS NULL AND u.expired_at IS NULL)
       WHERE id IN (SELECT ref_id FROM ref_usages WHERE spent > 0 AND released_at IS NULL AND expired_at IS NULL)`,
      `UPDATE rules SET stat_stamp = stat_stamp - (SELECT SUM(spent) FROM ref_usages u
         WHERE u.rule_id = rules.id AND u.spent > 0 AND u.released_at IS NULL AND u.expired_at IS NULL)
       WHERE id IN (SELECT rule_id FROM ref_usages WHERE spent > 0 AND released_at IS NULL AND expired_at IS NULL)`,
      // A ref's live stamps: spent, released and expired rows leave the index, so reading a ref
      // no longer walks its whole stamp history.
      'DROP INDEX ref_usages_stamps',
      `CREATE INDEX ref_usages_live_stamps ON ref_usages (ref_id, customer_id, purchase_at)
        WHERE stamp > spent AND released_at IS NULL AND expired_at IS NULL`,
    ],
  },
];

/**
 * `discount_repeat_usage` limits purchases, not rewards (spec, Limitations): a "buy 3 pay 2" on 7
 * units takes 2 rewards in one purchase. `refs.purchases` counts the ref's live ledger rows with
 * `usage > 0` (claims, receipt_add and usage_ref alike), kept like the other counters so that
 * reading a `/` ref never walks its whole ledger. Runs after refs/003 (MIGRATION_ORDER).
 */
export const purchaseCountMigrations: Migration[] = [
  {
    id: 'refs/004',
    statements: [
      'ALTER TABLE refs ADD COLUMN purchases INTEGER NOT NULL DEFAULT 0',
      `UPDATE refs SET purchases = (SELECT COUNT(*) FROM ref_usages u
         WHERE u.ref_id = refs.id AND u.usage > 0 AND u.released_at IS NULL)
       WHERE id IN (SELECT ref_id FROM ref_usages WHERE usage > 0 AND released_at IS NULL)`,
    ],
  },
];
