// Turns stored rules into a form that is cheap to test per receipt, and indexes item rules by
// the item ids / group ids they need, so rules that cannot touch a receipt are never looked at.

import { dayIndex, parseClock, type HourWindow } from './hours';
import { toDecimal, type Decimal } from './money';
import type { DiscountEligible, ItemPattern, Rule, RewardType } from './types';
import { refLimits, type RefLimits } from './usability';

export const ANY_ITEM = 'ANY_ITEM';

/** `id`/`group` undefined = any. */
export interface Pattern {
  id: string | undefined;
  group: string | undefined;
}

/** A "one of" test on the value found at `path` (stringified; arrays match on any element). */
export interface Leaf {
  path: string[];
  values: Set<string>;
}

export interface CompiledMix {
  patterns: Pattern[];
  qtyMilli: number;
  rewardEligible: boolean;
}

/** `value` as given (percent, unit count), `money` as whole minor units, `percent` exact. */
export interface RewardValue {
  value: number;
  money: number;
  percent: Decimal;
}

export interface CompiledReward extends RewardValue {
  type: RewardType;
  values: (RewardValue & { patterns: Pattern[] })[];
  net: boolean;
  bonus: boolean;
}

/** The ref limits (purchase window, repeat, dynamic and stamp windows) come from usability.ts. */
export interface CompiledRule extends RefLimits {
  rule: Rule;
  id: string;
  /** idSignature(id), for the ref filter in evaluate */
  sig: number;
  createdAt: string;
  level: 'item' | 'receipt';
  /** active and not deleted */
  usable: boolean;
  /** null: no item requirement */
  items: Pattern[] | null;
  itemQtyMilli: number;
  mixes: CompiledMix[];
  customerLeaves: Leaf[];
  addressPatterns: Leaf[][];
  hasCustomerRequirement: boolean;
  storeLeaves: Leaf[];
  mccRanges: { start: number; end: number }[];
  storeIds: Set<string> | null;
  grossMin: number;
  netMin: number;
  currencyAllow: Set<string> | null;
  currencyAnythingBut: Set<string>[];
  codes: string[] | null;
  hours: { timeZone: string; windows: HourWindow[] } | null;
  blacklist: Pattern[];
  deactivatedBy: string[];
  stamp: number;
  rewardUsage: number;
  exclusive: boolean;
  eligible: DiscountEligible;
  reward: CompiledReward;
  /** `discount_shipping`: rewards the receipt's shipping lines (docs/shipping.md) */
  shipping: boolean;
  /** shipping line ids (item `id`) it may discount; null = any */
  shippingOptions: Set<string> | null;
}

export interface CompiledRules {
  readonly size: number;
  readonly byId: ReadonlyMap<string, CompiledRule>;
  /** item rules keyed by an item id they need */
  readonly byItem: ReadonlyMap<string, readonly CompiledRule[]>;
  /** item rules keyed by a group id they need (and no item id) */
  readonly byGroup: ReadonlyMap<string, readonly CompiledRule[]>;
  /** receipt rules and rules with ANY_ITEM / wildcard patterns: checked for every receipt */
  readonly always: readonly CompiledRule[];
}

/** `{}` and `{"id":"*"}` match every line and keep a rule a receipt rule (see `deriveType`). */
const isWildcardItem = (p: ItemPattern) => (p.id === undefined || p.id === '*') && p.group_id === undefined;

function pattern(p: ItemPattern): Pattern {
  return { id: p.id === ANY_ITEM || p.id === '*' ? undefined : p.id, group: p.group_id };
}

function patterns(list: ItemPattern[] | undefined): Pattern[] {
  return (list ?? []).filter((p) => p && typeof p === 'object').map(pattern);
}

const isWildcard = (p: Pattern) => p.id === undefined && p.group === undefined;

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** Flatten nested "one of" lists. Empty lists impose nothing. */
function leaves(node: unknown, path: string[], out: Leaf[], skip?: (key: string) => boolean): Leaf[] {
  if (Array.isArray(node)) {
    if (node.length > 0) out.push({ path, values: new Set(node.map(String)) });
  } else if (node && typeof node === 'object') {
    for (const [key, child] of Object.entries(node)) {
      if (path.length === 0 && skip?.(key)) continue;
      leaves(child, [...path, key], out);
    }
  }
  return out;
}

/**
 * A 12-bit signature of an id from its length and three chars. Used to reject refs of
 * unreachable rules without a Map lookup. Rule ids are signed here, ref ids only in evaluate's
 * loop, so each call site sees one kind of string and V8 keeps both fast.
 */
export function idSignature(id: string): number {
  const n = id.length;
  return n === 0 ? 0 : ((id.charCodeAt(0) * 31 + id.charCodeAt(n - 1)) * 31 + id.charCodeAt(n >> 1) + n) & 4095;
}

function rewardValue(value: number): RewardValue {
  return { value, money: Math.max(Math.round(value), 0), percent: toDecimal(value) };
}

export function compileRule(rule: Rule): CompiledRule {
  const req = rule.requirement ?? ({} as Rule['requirement']);
  const lim = rule.limitation ?? {};
  const reward = rule.reward;

  // `{}` and `{"id":"*"}` are wildcards and leave the rule a receipt rule; ANY_ITEM also matches
  // every line but makes it an item rule (spec: rule `type`).
  const rawList = (req.item?.items ?? []).filter((p) => p && typeof p === 'object');
  const items = rawList.some((p) => !isWildcardItem(p)) ? rawList.map(pattern) : null;
  const mixes = (req.item?.mixes ?? []).map((m) => ({
    patterns: patterns(m.items),
    qtyMilli: Math.round(Math.max(num(m.quantity, 1), 0) * 1000),
    rewardEligible: m.reward_eligible !== false,
  }));

  const customer = req.customer;
  const addressPatterns = Array.isArray(customer?.addresses)
    ? customer.addresses.map((a) => leaves(a, [], [])).filter((l) => l.length > 0)
    : [];
  const customerLeaves = leaves(customer, [], [], (k) => k === 'addresses');

  const store = req.store;
  // Dintero's types send codes as strings, seed 001 as numbers: ranges compare as numbers.
  const mccRanges = (Array.isArray(store?.mcc_ranges) ? store.mcc_ranges : []).map((r) => ({
    start: Number(r.start),
    end: Number(r.end),
  }));
  const storeLeaves = leaves(store, [], [], (k) => k === 'mcc_ranges');

  const currencyAllow = new Set<string>();
  const currencyAnythingBut: Set<string>[] = [];
  for (const c of req.currencies ?? []) {
    if (typeof c === 'string') currencyAllow.add(c.toUpperCase());
    else if (c && Array.isArray(c['anything-but']))
      currencyAnythingBut.push(new Set(c['anything-but'].map((x) => x.toUpperCase())));
  }
  const hasCurrency = currencyAllow.size > 0 || currencyAnythingBut.length > 0;

  const codes =
    req.discount_code === undefined || req.discount_code === '' ? null : [req.discount_code].flat().filter(Boolean);

  const hourList = lim.discount_hours?.hours ?? [];
  const hours =
    hourList.length > 0
      ? {
          timeZone: lim.discount_hours?.timezone || 'Europe/Oslo',
          windows: hourList.map((h) => ({ day: dayIndex(h.day), start: parseClock(h.start), end: parseClock(h.end) })),
        }
      : null;

  const value = num(reward.value, 0);

  return {
    rule,
    id: rule.id,
    sig: idSignature(rule.id),
    createdAt: rule.created_at ?? '',
    level: items ? 'item' : 'receipt',
    usable: rule.active !== false && !rule.deleted_at,
    ...refLimits(rule),
    items,
    itemQtyMilli: Math.round(Math.max(num(req.item?.quantity, 0), 0) * 1000),
    mixes,
    customerLeaves,
    addressPatterns,
    hasCustomerRequirement: customerLeaves.length > 0 || addressPatterns.length > 0,
    storeLeaves,
    mccRanges,
    storeIds: req.store_ids && req.store_ids.length > 0 ? new Set(req.store_ids) : null,
    grossMin: num(req.gross_amount, 0),
    netMin: num(req.net_amount, 0),
    currencyAllow: hasCurrency ? currencyAllow : null,
    currencyAnythingBut,
    codes,
    hours,
    blacklist: patterns(lim.blacklist),
    deactivatedBy: (lim.discount_activation ?? [])
      .filter((a) => a.type === 'deactivate_if_discount_active' && typeof a.value === 'string')
      .map((a) => a.value),
    stamp: Math.max(num(req.stamp, 0), 0),
    rewardUsage: num(lim.discount_reward_usage, -1),
    exclusive: lim.discount_combination === 0,
    eligible: lim.discount_eligible ?? 'item_eligible_for_discount',
    reward: {
      type: reward.type,
      ...rewardValue(value),
      values: (reward.values ?? []).map((v) => ({ patterns: patterns(v.items), ...rewardValue(num(v.value, 0)) })),
      net: reward.base === 'net',
      bonus: reward.effect === 'bonus',
    },
    shipping: reward.type === 'discount_shipping',
    shippingOptions: req.shipping_option_ids?.length ? new Set(req.shipping_option_ids) : null,
  };
}

function push(map: Map<string, CompiledRule[]>, key: string, rule: CompiledRule): void {
  const list = map.get(key);
  if (list) list.push(rule);
  else map.set(key, [rule]);
}

export function compileRules(rules: readonly Rule[]): CompiledRules {
  const byId = new Map<string, CompiledRule>();
  const byItem = new Map<string, CompiledRule[]>();
  const byGroup = new Map<string, CompiledRule[]>();
  const always: CompiledRule[] = [];
  for (const rule of rules) {
    const c = compileRule(rule);
    byId.set(c.id, c);
    const need = indexedOn(c);
    if (need === 'always') always.push(c);
    else if (need)
      for (const p of need) {
        if (p.id !== undefined) push(byItem, p.id, c);
        else push(byGroup, p.group as string, c);
      }
  }
  return { size: byId.size, byId, byItem, byGroup, always };
}

/**
 * Where a compiled rule sits in the indexes: under each pattern of one requirement every match
 * needs (the item list if any, else the first mix), in `always`, or nowhere (null) when it can
 * never apply: such a rule stays in byId for lookups only. incremental.ts indexes by the same rule.
 */
export function indexedOn(c: CompiledRule): readonly Pattern[] | 'always' | null {
  if (!c.usable) return null;
  const need = c.items ?? c.mixes[0]?.patterns ?? null;
  return !need || need.length === 0 || need.some(isWildcard) ? 'always' : need;
}
