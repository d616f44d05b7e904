import type { RefState } from '../engine/types';
import type { RefRow } from './ref-rows';
import { all, type Sql } from './sql';
import { iso } from '../time';

/**
 * Ref state as the engine reads it (usage, purchases, amounts, debit, stamps), for evaluations and
 * claims. A `*` ref is shared by every customer, but each customer's usage, amount, debit and stamps
 * on it are their own: with a customer id those come from that customer's ledger rows. Statements
 * here are counted (docs/storage.md): their number never grows with the refs read.
 */

/** What `refStates` reads of a ref row. */
type StateRow = Pick<
  RefRow,
  'id' | 'rule_id' | 'customer_id' | 'kind' | 'created_at' | 'deleted_at' | 'usage' | 'purchases' | 'amount'
> &
  Pick<RefRow, 'bonus' | 'debit_balance'>;

/**
 * The state of many refs (`RefStore.state`) in one query, whatever their number: an evaluation
 * reads every ref of every rule the receipt reaches, and each statement costs about 60 µs in
 * workerd however small (bench/RESULTS.md, "Hot paths"). Rows of the query: unspent stamps (`sums = 0`) of the refs
 * read whole (?1) and of the `*` refs read for one customer (?2, ?3); then (`sums = 1`) that
 * customer's ledger sums per `*` ref.
 */
export function refStates(sql: Sql, rows: readonly StateRow[], customerId: string | null): RefState[] {
  const sliced = (row: StateRow) => row.kind === '*' && customerId !== null;
  const ids = (which: boolean) => JSON.stringify(rows.filter((r) => sliced(r) === which).map((r) => r.id));
  type Sums = Record<'usage' | 'purchases' | 'amount' | 'debit' | 'bonus', number>;
  type Row = Sums & { ref_id: string; sums: 0 | 1; purchase_at: number; free: number };
  const stamps = new Map<string, RefState['stamps']>();
  const sums = new Map<string, Sums>();
  // Unspent stamps only; rows the cleanup expired no longer count for any purchase it judges
  // (docs/maintenance.md), so they are not read at all. Column names come from the first SELECT.
  const live = 'stamp > spent AND released_at IS NULL AND expired_at IS NULL';
  const read = all<Row>(
    sql,
    `SELECT ref_id, 0 AS sums, purchase_at, stamp - spent AS free,
         0 AS usage, 0 AS purchases, 0 AS amount, 0 AS debit, 0 AS bonus FROM ref_usages
       WHERE ref_id IN (SELECT value FROM json_each(?1)) AND ${live}
     UNION ALL
     SELECT ref_id, 0, purchase_at, stamp - spent, 0, 0, 0, 0, 0 FROM ref_usages
       WHERE ref_id IN (SELECT value FROM json_each(?2)) AND customer_id = ?3 AND ${live}
     UNION ALL
     SELECT ref_id, 1, 0, 0, SUM(usage), SUM(usage > 0), SUM(amount), SUM(debit), SUM(bonus) FROM ref_usages
       WHERE ref_id IN (SELECT value FROM json_each(?2)) AND customer_id = ?3 AND released_at IS NULL
       GROUP BY ref_id
     ORDER BY 3`,
    ids(false),
    ids(true),
    customerId,
  );
  for (const r of read) {
    if (r.sums) {
      sums.set(r.ref_id, r);
      continue;
    }
    const list = stamps.get(r.ref_id) ?? [];
    list.push({ at: iso(r.purchase_at), quantity: r.free });
    stamps.set(r.ref_id, list);
  }
  return rows.map((row) => {
    let { usage, purchases, amount, debit_balance, bonus } = row;
    if (sliced(row)) {
      const sum = sums.get(row.id);
      usage = sum?.usage ?? 0;
      purchases = sum?.purchases ?? 0;
      amount = sum?.amount ?? 0;
      bonus = sum?.bonus ?? 0;
      debit_balance = row.debit_balance - (sum?.debit ?? 0);
    }
    return {
      id: row.id,
      rule_id: row.rule_id,
      customer_id: row.customer_id,
      kind: row.kind,
      created_at: iso(row.created_at),
      deleted_at: row.deleted_at === null ? null : iso(row.deleted_at),
      usage,
      purchases,
      amount,
      bonus,
      debit_balance,
      stamps: stamps.get(row.id) ?? [],
    };
  });
}

/**
 * What the engine needs for one purchase: the customer's own refs and `*` refs (each `*` ref
 * with this customer's usage and stamps), or only `/` refs when customerId is null; live refs
 * only, each with its stamps. `ruleIds`: only refs of these rules (the ones the receipt reaches).
 */
export function refsForPurchase(sql: Sql, customerId: string | null, ruleIds: Iterable<string>): RefState[] {
  // Driven by the reached rules' ids (`+kind`, `+customer_id`: no index on those), so the cost
  // follows the rules the receipt reaches, not every `*` ref the account holds.
  const [who, whoArgs] =
    customerId === null
      ? [`+r.kind = '/'`, []]
      : [`((+r.kind = 'customer' AND +r.customer_id = ?) OR +r.kind = '*')`, [customerId]];
  // Only what `states` reads, as arrays (`raw`): a row object per ref cost more than the query.
  const cursor = sql.exec(
    `SELECT r.id, r.rule_id, r.customer_id, r.kind, r.created_at, r.deleted_at,
       r.usage, r.purchases, r.amount, r.bonus, r.debit_balance
     FROM json_each(?) j JOIN refs r ON r.rule_id = j.value
     WHERE r.deleted_at IS NULL AND ${who} ORDER BY r.seq`,
    JSON.stringify([...ruleIds]),
    ...whoArgs,
  );
  const rows: StateRow[] = [];
  for (const v of cursor.raw()) {
    rows.push({
      id: v[0] as string,
      rule_id: v[1] as string,
      customer_id: v[2] as string | null,
      kind: v[3] as RefRow['kind'],
      created_at: v[4] as number,
      deleted_at: v[5] as number | null,
      usage: v[6] as number,
      purchases: v[7] as number,
      amount: v[8] as number,
      bonus: v[9] as number,
      debit_balance: v[10] as number,
    });
  }
  return refStates(sql, rows, customerId);
}
