import type { Ref, RefStatistics } from '../schemas/ref';
import type { Rule } from '../schemas/rule';
import { iso } from '../time';

/**
 * Row shapes of the refs tables (`refs`, `ref_usages`), as SQLite answers them, and how a ref row
 * answers (Dintero's `DiscountRef`, and a rule as one customer holds it). Their own module
 * because three stores read them (refs, the usage ledger, discount usages) and none of those owns
 * the others: each imports the shapes from here instead of from one another.
 * Tables and their history: refs-migrations.ts, docs/storage.md.
 */

/** One row of `refs`: a rule given to a customer, to `*` or to `/` (shared/store/refs.ts). */
export interface RefRow {
  seq: number;
  id: string;
  rule_id: string;
  kind: 'customer' | '*' | '/';
  customer_id: string | null;
  offering_constraint_id: string | null;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string | null;
  deleted_at: number | null;
  deleted_by: string | null;
  usage: number;
  /** live ledger rows with `usage > 0` (for a `*` ref: everyone's; per customer from the ledger) */
  purchases: number;
  amount: number;
  stamp: number;
  debit_balance: number;
  /** bonus given (rules with `effect: bonus`) */
  bonus: number;
}

/** One row of `ref_usages`, the usage ledger (shared/store/ledger.ts). */
export interface UsageRow {
  seq: number;
  id: string;
  ref_id: string;
  rule_id: string;
  customer_id: string | null;
  source: 'claim' | 'usage_ref' | 'receipt';
  source_ref: string | null;
  ref_type: string | null;
  usage: number;
  amount: number;
  stamp: number;
  /** how many of `stamp` rewards have spent */
  spent: number;
  debit: number;
  bonus: number;
  purchase_at: number;
  created_at: number;
  created_by: string;
  released_at: number | null;
  released_by: string | null;
  expired_at: number | null;
}

export const kindOf = (target: string): RefRow['kind'] => (target === '*' || target === '/' ? target : 'customer');

export function toRef(row: RefRow): Ref {
  return {
    id: row.id,
    discount_id: row.rule_id,
    customer_id: row.customer_id,
    kind: row.kind,
    ...(row.offering_constraint_id !== null && { offering_constraint_id: row.offering_constraint_id }),
    created_at: iso(row.created_at),
    created_by: row.created_by,
    updated_at: iso(row.updated_at),
    updated_by: row.updated_by ?? row.created_by,
    ...(row.deleted_at !== null && { deleted_at: iso(row.deleted_at), deleted_by: row.deleted_by ?? row.created_by }),
  };
}

/**
 * A rule as one customer holds it through a ref (Dintero's `Discount & CustomerDiscountStatistics &
 * {ref_id}`): the discount itself (`id` is the rule's), the ref's id, and the ref's statistics for
 * this customer in place of the rule's.
 */
export type CustomerDiscount = Omit<Rule, 'statistics'> & { ref_id: string; statistics: RefStatistics };
export function customerDiscount(rule: Rule, refId: string, statistics: RefStatistics): CustomerDiscount {
  const { statistics: _ruleStatistics, ...discount } = rule;
  return { ...discount, ref_id: refId, statistics };
}
