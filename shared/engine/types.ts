// Shapes the engine reads and writes. Field names follow the Dintero seeds exactly
// (including `bussiness_name`). Everything the engine does with them is described in
// docs/semantics.md; comments here only note what a field means to the engine.

import type { Explanation } from './reasons';

/** An item pattern: matches a line when every given key matches. `{}` is a wildcard. */
export interface ItemPattern {
  /** Item id; `ANY_ITEM` matches every line. */
  id?: string;
  /** Matched against the line's `groups[].id`. */
  group_id?: string;
}

export interface Mix {
  /** Minimum total quantity of lines matching this mix (default 1). */
  quantity?: number;
  /** Whether the reward may touch this mix's lines (default true). */
  reward_eligible?: boolean;
  items?: ItemPattern[];
}

/**
 * Nested "one of" string lists (`first_name`, `company.department`, `marketing_consent.sms.consent`,
 * `attributes.<key>` ...). `addresses` is a list of address patterns: a pattern matches when all
 * its given properties match one single address of the customer.
 */
export interface CustomerRequirement {
  addresses?: Record<string, string[]>[];
  [key: string]: unknown;
}

export interface StoreRequirement {
  id?: string[];
  name?: string[];
  business_name?: string[];
  address?: { country?: string[]; postal_code?: string[]; postal_place?: string[] };
  chain?: string[];
  email?: string[];
  gln?: string[];
  organization_number?: string[];
  phone_number?: string[];
  mcc?: (number | string)[];
  mcc_ranges?: { start: number | string; end: number | string }[];
  bax?: string[];
  terminal_id?: string[];
}

export type CurrencyRequirement = string | { 'anything-but': string[] };

export interface Requirement {
  purchase_from: string;
  purchase_to: string;
  customer?: CustomerRequirement;
  item?: { quantity?: number; mixes?: Mix[]; items?: ItemPattern[] };
  store_ids?: string[];
  gross_amount?: number;
  net_amount?: number;
  currencies?: CurrencyRequirement[];
  /** Number of stamps the ref must hold (see limitation.stamp_expire_days). */
  stamp?: number;
  /** The seed has a single string; an array is accepted as "one of". */
  discount_code?: string | string[];
  store?: StoreRequirement;
  /** `discount_shipping` only: the shipping lines (by item `id`) it may discount; absent = any. */
  shipping_option_ids?: string[];
}

export type RewardType =
  | 'discount_amount'
  | 'discount_percent'
  | 'discount_item_new_price'
  | 'discount_item_quantity'
  | 'discount_item_percent'
  | 'discount_mix_new_price'
  | 'discount_debit'
  /** `value` percent off the receipt's shipping lines (docs/shipping.md). */
  | 'discount_shipping';

export interface Reward {
  type: RewardType;
  value?: number;
  values?: { items?: ItemPattern[]; value: number }[];
  base?: 'gross' | 'net';
  effect?: 'discount' | 'bonus';
}

export type DiscountEligible =
  | 'item_eligible_for_discount'
  | 'item_eligible_for_discount_no_discount'
  | 'receipt_no_discount';

export interface Limitation {
  dynamic_purchase_to_days?: number;
  discount_activation?: { type: string; value: string }[];
  discount_hours?: {
    hours?: { day: string; start: string; end: string }[];
    timezone?: string;
  };
  discount_reward_usage?: number;
  discount_combination?: number;
  discount_eligible?: DiscountEligible;
  discount_repeat_usage?: number;
  stamp_expire_days?: number;
  blacklist?: ItemPattern[];
  /** Caps across all purchases (docs/budgets.md); the engine reads what is left from its input. */
  budget_amount?: number;
  budget_usage?: number;
}

/** The stored rule JSON (seed 001). Fields the engine does not read are passed through untouched. */
export interface Rule {
  id: string;
  created_at?: string;
  deleted_at?: string | null;
  active?: boolean;
  name?: string;
  receipt_text?: string;
  requirement: Requirement;
  reward: Reward;
  limitation?: Limitation;
}

/**
 * What the customer holds of one rule, as storage knows it before this purchase.
 * - `usage`: rewards taken so far on this ref (the sum of recorded `refs[].usage`); reported in
 *   statistics, never compared with a limit (a "buy 3 pay 2" on 7 units takes 2 in one purchase).
 * - `purchases`: purchases that used this ref so far: live ledger entries (claims, receipt_add,
 *   usage_ref) with `usage > 0`, each counting once whatever its `usage`. The ref is not offered
 *   once `purchases >= limitation.discount_repeat_usage` (when that is >= 0).
 * - `amount`: total amount claimed so far on this ref.
 * - `debit_balance`: for `discount_debit`, what remains on the ref. While the ref has never
 *   been debited (`amount === 0`) the engine uses `reward.value` instead, so storage may
 *   create refs with `debit_balance: 0`.
 * - `stamps`: the ref's unspent stamps, dated by the purchase that earned them (storage records
 *   which stamps each reward spent and leaves those out). The engine counts the ones dated at or
 *   before the purchase and within `limitation.stamp_expire_days` of it; `usage` plays no part.
 * The engine trusts the caller's selection of refs (customer's own + `*`, or `/`); it does not
 * compare `customer_id` with the receipt because the customer may have been resolved from a token.
 */
export interface RefState {
  id: string;
  rule_id: string;
  customer_id: string | null;
  kind: 'customer' | '*' | '/';
  created_at: string;
  deleted_at?: string | null;
  usage: number;
  purchases: number;
  amount: number;
  /** Total bonus recorded on this ref so far (rules with `effect: bonus`); 0 when absent. */
  bonus?: number;
  debit_balance: number;
  stamps: { at: string; quantity: number }[];
}

export interface ReceiptDiscountLine {
  /** Optional in Dintero's `DiscountItem`; a line without one takes nothing off. */
  amount?: number;
  percentage?: number;
  discount_type?: string;
  discount_id?: string;
  description?: string;
  line_id?: number;
  [extra: string]: unknown;
}

/** Dintero's `BonusItem`: a bonus on a line (rules with `effect: bonus`), never taken off the price. */
export interface ReceiptBonusLine {
  bonus?: number;
  percentage?: number;
  discount_type?: string;
  discount_id?: string;
  description?: string;
  line_id?: number;
  [extra: string]: unknown;
}

export interface ReceiptItem {
  id?: string;
  groups?: { id: string; name?: string }[];
  /** Default 1. Up to three decimals are honoured (weighed goods). */
  quantity?: number;
  /** Missing → index + 1 (and the output item carries that line_id). */
  line_id?: number;
  /** Line total before discounts, minor units. */
  gross_amount?: number;
  net_amount?: number;
  unit_gross_price?: number;
  /** Missing means eligible; only an explicit `false` excludes the line. */
  eligible_for_discount?: boolean;
  discount_lines?: ReceiptDiscountLine[];
  bonus_lines?: ReceiptBonusLine[];
  is_changed?: boolean;
  [extra: string]: unknown;
}

export interface ReceiptCustomer {
  [key: string]: unknown;
}

export interface Receipt {
  receipt_id: string;
  purchase_at: string;
  store: { id: string; mcc?: number | string; [key: string]: unknown };
  customer_id?: string;
  customer?: ReceiptCustomer;
  items?: ReceiptItem[];
  gross_amount?: number;
  net_amount?: number;
  currency?: string;
  discount_code?: string[];
  is_changed?: boolean;
  [extra: string]: unknown;
}

export interface RefResultItem {
  line_id: number;
  amount: number;
  bonus: number;
}

export interface RefResult {
  id: string;
  /** Discount this purchase takes from the ref (0 for `effect: bonus`). Send to claims. */
  amount: number;
  /** Stamps this purchase adds (matching quantity) when it does not use the stamp card. */
  stamp: number;
  bonus: number;
  /** Rewards in this purchase (e.g. 2 for "buy 3 pay 2" on 7 units). Send to claims. */
  usage: number;
  /** The ref before this purchase; `stamp` = valid unspent stamps. */
  statistics: { stamp: number; usage: number; amount: number; bonus: number; debit_balance: number };
  items: RefResultItem[];
}

/** Dintero's `DiscountRefs`: the whole rule as stored (without its statistics) and the refs used. */
export interface DiscountResult {
  id: string;
  name?: string;
  receipt_text?: string;
  type: 'item' | 'receipt';
  refs: RefResult[];
  [field: string]: unknown;
}

export interface ResultItem extends ReceiptItem {
  line_id: number;
  is_changed: boolean;
  discount_lines: ReceiptDiscountLine[];
  bonus_lines: ReceiptBonusLine[];
}

export interface ResultReceipt extends Receipt {
  items: ResultItem[];
  is_changed: boolean;
  discounts: DiscountResult[];
}

export interface EvaluationResult {
  receipt: ResultReceipt;
  /** Only when `explain` was asked for: docs/explain.md. */
  explanations?: Explanation[];
}

/** Refs grouped by rule id; build with `indexRefs`. */
export interface RefIndex {
  readonly size: number;
  readonly byRule: ReadonlyMap<string, readonly RefState[]>;
}
