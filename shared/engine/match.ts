// Requirement matching: receipt-level checks (once per rule), ref checks, and which lines a
// rule sees given the discounts applied so far.

import type { CompiledRule, Leaf, Pattern } from './compile';
import { inHours, localTime, type LocalTime } from './hours';
import type { ReceiptReason } from './reasons';
import type { Receipt, RefState } from './types';
import { inDynamicWindow, inPurchaseWindow, usedUp, validStampCount } from './usability';

export interface Line {
  idx: number;
  lineId: number;
  id: string | undefined;
  groups: string[];
  /** quantity in thousandths, so weighed goods stay integer */
  qtyMilli: number;
  gross: number;
  /** takes part in item matching and ordinary rewards (never a shipping line) */
  eligible: boolean;
  /** a shipping line (docs/shipping.md): only `discount_shipping` rules see it */
  shipping: boolean;
}

/** The group that marks a receipt line as shipping (docs/shipping.md); its item `id` names the option. */
export const SHIPPING_GROUP = 'shipping';

/** What the purchase looks like so far: per line what is left to discount. */
export interface State {
  remaining: number[];
  discounted: boolean[];
  anyDiscount: boolean;
}

export interface Ctx {
  receipt: Receipt;
  lines: Line[];
  purchaseMs: number;
  nowMs: number;
  grossTotal: number;
  netTotal: number;
  codes: Set<string>;
  /** Pool rules and the pool code the receipt named with a use left (null: none); docs/codes.md. */
  poolCodes: PoolCodes | undefined;
  initial: State;
  localTimes: Map<string, LocalTime | null>;
}

const sumExisting = (list: { amount?: unknown }[] | undefined) =>
  (list ?? []).reduce((s, d) => s + (typeof d.amount === 'number' && d.amount > 0 ? d.amount : 0), 0);

/**
 * For a rule with a code pool (docs/codes.md), the pool code this receipt named with a use left,
 * null when it named none; undefined for a rule without a pool. A Map is one; only `get` is read.
 */
export interface PoolCodes {
  get(ruleId: string): string | null | undefined;
}

export function buildCtx(receipt: Receipt, nowMs: number, poolCodes?: PoolCodes): Ctx {
  const items = receipt.items ?? [];
  const lines: Line[] = [];
  const remaining: number[] = [];
  const discounted: boolean[] = [];
  const codes = new Set(receipt.discount_code ?? []);
  let grossSum = 0;
  let netSum = 0;
  let shipGross = 0;
  let shipNet = 0;
  items.forEach((item, idx) => {
    const qty = typeof item.quantity === 'number' ? item.quantity : 1;
    const gross =
      typeof item.gross_amount === 'number'
        ? item.gross_amount
        : typeof item.unit_gross_price === 'number'
          ? Math.round(item.unit_gross_price * qty)
          : 0;
    const existing = sumExisting(item.discount_lines);
    const groups = (item.groups ?? []).map((g) => g.id);
    const shipping = groups.includes(SHIPPING_GROUP);
    // Under one thousandth of a unit there is nothing to take a share of (and shares divide by it).
    const open = item.eligible_for_discount !== false && gross > 0 && Math.round(qty * 1000) > 0;
    lines.push({
      idx,
      lineId: typeof item.line_id === 'number' ? item.line_id : idx + 1,
      id: item.id,
      groups,
      qtyMilli: Math.max(Math.round(qty * 1000), 0),
      gross,
      eligible: open && !shipping,
      shipping: open && shipping,
    });
    remaining.push(Math.max(gross - existing, 0));
    discounted.push(existing > 0);
    // Amount requirements are about the goods: shipping lines are left out of the totals.
    if (shipping) {
      shipGross += gross;
      shipNet += Math.max(gross - existing, 0);
      return;
    }
    grossSum += gross;
    netSum += Math.max(gross - existing, 0);
    if (item.id !== undefined) codes.add(item.id);
  });
  return {
    receipt,
    lines,
    purchaseMs: Date.parse(receipt.purchase_at),
    nowMs,
    grossTotal: typeof receipt.gross_amount === 'number' ? receipt.gross_amount - shipGross : grossSum,
    netTotal: typeof receipt.net_amount === 'number' ? receipt.net_amount - shipNet : netSum,
    codes,
    poolCodes,
    initial: { remaining, discounted, anyDiscount: discounted.some(Boolean) },
    localTimes: new Map(),
  };
}

export function matches(p: Pattern, line: Line): boolean {
  return (p.id === undefined || p.id === line.id) && (p.group === undefined || line.groups.includes(p.group));
}

/** A loop, not `some`: this runs per line per rule, and a closure per call is garbage per call. */
export function matchesAny(ps: readonly Pattern[], line: Line): boolean {
  for (let i = 0; i < ps.length; i++) if (matches(ps[i] as Pattern, line)) return true;
  return false;
}

function valueAt(root: unknown, path: string[]): unknown {
  let v = root;
  for (const k of path) {
    if (!v || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

function leafOk(root: unknown, leaf: Leaf): boolean {
  const v = valueAt(root, leaf.path);
  if (v === undefined || v === null) return false;
  if (Array.isArray(v)) return v.some((x) => leaf.values.has(String(x)));
  return leaf.values.has(String(v));
}

function customerOk(c: CompiledRule, receipt: Receipt): boolean {
  if (!c.hasCustomerRequirement) return true;
  const customer = receipt.customer;
  if (!customer) return false;
  if (!c.customerLeaves.every((l) => leafOk(customer, l))) return false;
  if (c.addressPatterns.length === 0) return true;
  const addresses = Array.isArray(customer.addresses) ? (customer.addresses as unknown[]) : [];
  return c.addressPatterns.some((pat) => addresses.some((a) => pat.every((l) => leafOk(a, l))));
}

function storeOk(c: CompiledRule, receipt: Receipt): boolean {
  const store = receipt.store;
  if (c.storeIds && !c.storeIds.has(store?.id)) return false;
  if (!c.storeLeaves.every((l) => leafOk(store, l))) return false;
  if (c.mccRanges.length === 0) return true;
  const mcc = Number(store?.mcc);
  return Number.isFinite(mcc) && c.mccRanges.some((r) => mcc >= r.start && mcc <= r.end);
}

function currencyOk(c: CompiledRule, receipt: Receipt): boolean {
  if (!c.currencyAllow) return true;
  const cur = receipt.currency?.toUpperCase();
  if (!cur) return false;
  return c.currencyAllow.has(cur) || c.currencyAnythingBut.some((ex) => !ex.has(cur));
}

function hoursOk(c: CompiledRule, ctx: Ctx): boolean {
  if (!c.hours) return true;
  const tz = c.hours.timeZone;
  let t = ctx.localTimes.get(tz);
  if (t === undefined) {
    t = Number.isNaN(ctx.purchaseMs) ? null : localTime(ctx.purchaseMs, tz);
    ctx.localTimes.set(tz, t);
  }
  return t !== null && inHours(t, c.hours.windows);
}

/**
 * Everything about the rule that does not depend on lines or refs: the first check it fails, or
 * null. The reason is the decision itself (receiptOk is this compared with null), so `explain`
 * can never disagree with what was decided.
 */
export function receiptMiss(c: CompiledRule, ctx: Ctx): ReceiptReason | null {
  const r = ctx.receipt;
  if (!c.usable) return 'inactive';
  if (!inPurchaseWindow(c, ctx.purchaseMs)) return 'outside_purchase_window';
  if (!(ctx.grossTotal >= c.grossMin)) return 'gross_amount_below';
  if (!(ctx.netTotal >= c.netMin)) return 'net_amount_below';
  if (c.codes && !c.codes.some((code) => ctx.codes.has(code))) return 'discount_code_missing';
  if (ctx.poolCodes?.get(c.id) === null) return 'discount_code_missing';
  if (!currencyOk(c, r)) return 'currency';
  if (!storeOk(c, r)) return 'store';
  if (!customerOk(c, r)) return 'customer_requirement';
  if (!hoursOk(c, ctx)) return 'outside_discount_hours';
  if (c.eligible === 'receipt_no_discount' && ctx.initial.anyDiscount) return 'receipt_has_discount';
  return null;
}

export const receiptOk = (c: CompiledRule, ctx: Ctx): boolean => receiptMiss(c, ctx) === null;

export type RefReason = 'no_ref_for_customer' | 'usage_limit_reached' | 'ref_expired';

/** Why the ref cannot be used (deleted, used up, outside its dynamic window), or null when it can. */
export function refMiss(c: CompiledRule, ref: RefState, ctx: Ctx): RefReason | null {
  if (ref.deleted_at) return 'no_ref_for_customer';
  if (usedUp(c, ref.purchases)) return 'usage_limit_reached';
  const created = Date.parse(ref.created_at);
  if (!(inDynamicWindow(c, created, ctx.purchaseMs) && inDynamicWindow(c, created, ctx.nowMs))) return 'ref_expired';
  return null;
}

/** The ref is alive, not used up, and inside its dynamic window at purchase time and now. */
export const refOk = (c: CompiledRule, ref: RefState, ctx: Ctx): boolean => refMiss(c, ref, ctx) === null;

/**
 * Stamps that count at purchase time. `ref.stamps` are the ref's unspent stamps (storage records
 * which stamps each reward spent), so only their dates matter (usability.ts).
 */
export function validStamps(c: CompiledRule, ref: RefState, ctx: Ctx): number {
  return validStampCount(c, ref.stamps, ctx.purchaseMs);
}

export interface LineMatch {
  /** lines the reward may touch, in receipt order */
  reward: Line[];
  /** total quantity of lines matching `item.items` (or of the reward lines), thousandths */
  qtyMilli: number;
  /** per mix, the lines matching it */
  mixLines: Line[][];
}

/** Filled in by matchLines when it answers null and the caller asked why (`explain`). */
export interface LineMiss {
  reason: 'item_quantity' | 'receipt_has_discount';
  /** matching units the receipt had, thousandths */
  hadMilli: number;
  /** the mix that was short, when it was a mix */
  mix?: number;
}

/**
 * Which lines the rule sees in `state`, or null when its item requirements are not met; then
 * `why`, when given, says which requirement failed (no allocation when it is not asked for).
 */
export function matchLines(c: CompiledRule, ctx: Ctx, state: State, why?: LineMiss): LineMatch | null {
  if (c.eligible === 'receipt_no_discount' && state.anyDiscount) {
    if (why) Object.assign(why, { reason: 'receipt_has_discount', hadMilli: 0 });
    return null;
  }
  const noDiscount = c.eligible === 'item_eligible_for_discount_no_discount';
  // One pass: the lines the rule may see (`pool`, kept only when mixes or a missing item list need
  // it) and of those the ones matching `item.items`, with their quantity.
  const items = c.items;
  const pool: Line[] | null = items && c.mixes.length === 0 ? null : [];
  const itemLines: Line[] = pool && !items ? pool : [];
  let qtyMilli = 0;
  for (const line of ctx.lines) {
    if (!line.eligible) continue;
    if (noDiscount && state.discounted[line.idx]) continue;
    if (c.blacklist.length > 0 && matchesAny(c.blacklist, line)) continue;
    if (pool) pool.push(line);
    if (!items || matchesAny(items, line)) {
      if (items) itemLines.push(line);
      qtyMilli += line.qtyMilli;
    }
  }
  if (qtyMilli < c.itemQtyMilli || qtyMilli === 0) {
    if (why) Object.assign(why, { reason: 'item_quantity', hadMilli: qtyMilli });
    return null;
  }
  const mixLines: Line[][] = [];
  for (const [i, mix] of c.mixes.entries()) {
    const ls = (pool as Line[]).filter((l) => matchesAny(mix.patterns, l));
    const had = ls.reduce((s, l) => s + l.qtyMilli, 0);
    if (had < Math.max(mix.qtyMilli, 1)) {
      if (why) Object.assign(why, { reason: 'item_quantity', hadMilli: had, mix: i });
      return null;
    }
    mixLines.push(ls);
  }
  let reward = itemLines;
  if (c.shipping) {
    const options = c.shippingOptions;
    reward = ctx.lines.filter(
      (l) =>
        l.shipping &&
        (!options || (l.id !== undefined && options.has(l.id))) &&
        !(noDiscount && state.discounted[l.idx]),
    );
  } else if (c.mixes.length > 0) {
    const seen = new Set<number>();
    c.mixes.forEach((m, i) => {
      if (m.rewardEligible) for (const l of mixLines[i] ?? []) seen.add(l.idx);
    });
    reward = (pool as Line[]).filter((l) => seen.has(l.idx));
  }
  return { reward, qtyMilli, mixLines };
}
