// The closed list of reasons `explain` gives (docs/explain.md), and the shape of one explanation.
// Types and the list only: the checks that decide (match.ts, evaluate.ts) and the wording of an
// outcome (explain.ts) both import this, so neither imports the other.

export const REASONS = [
  'unknown_rule',
  'inactive',
  'outside_purchase_window',
  'gross_amount_below',
  'net_amount_below',
  'discount_code_missing',
  'currency',
  'store',
  'customer_requirement',
  'outside_discount_hours',
  'receipt_has_discount',
  'item_quantity',
  'no_ref_for_customer',
  'usage_limit_reached',
  'ref_expired',
  'stamps_collecting',
  'deactivated_by',
  'lost_to_exclusive',
  'exclusive_not_best',
  'nothing_left_to_discount',
  'budget_exhausted',
] as const;
export type Reason = (typeof REASONS)[number];

/** Reasons of the receipt-level checks (match.ts `receiptMiss`), in the order they run. */
export type ReceiptReason = Extract<
  Reason,
  | 'inactive'
  | 'outside_purchase_window'
  | 'gross_amount_below'
  | 'net_amount_below'
  | 'discount_code_missing'
  | 'currency'
  | 'store'
  | 'customer_requirement'
  | 'outside_discount_hours'
  | 'receipt_has_discount'
>;

export interface Explanation {
  discount_id: string;
  /** The rule is in the answer's `discounts[]`. */
  applied: boolean;
  /** Why not; on an applied rule only `stamps_collecting` (in `discounts[]` to collect stamps). */
  reason?: Reason;
  field?: string;
  needed?: unknown;
  had?: unknown;
}

/** What the caller learns beyond the reason; `had` never repeats stored customer facts. */
export type Detail = Pick<Explanation, 'field' | 'needed' | 'had'>;
