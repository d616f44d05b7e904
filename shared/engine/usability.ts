// When a ref can be used: the one home of the limits that decide it (purchase window,
// dynamic_purchase_to_days, discount_repeat_usage, stamp_expire_days). The engine (match.ts,
// compile.ts), the store (refs.ts, claims.ts, ledger.ts), the public list's SQL (public-rules.ts)
// and the stamp cleanup (maintenance/cleanup.ts) all read them from here; docs/semantics.md says
// what they mean to a merchant. Pure: plain numbers in, plain numbers out.

import type { Rule } from './types';

/** Every `*_days` limit counts whole 24-hour days from an instant, not calendar days. */
export const DAY_MS = 86_400_000;

const limited = (days: unknown): days is number => typeof days === 'number' && Number.isFinite(days) && days >= 1;

/** A `*_days` limit in ms, or null for none: absent, or below 1 (`-1` is unlimited, spec). */
export function daysLimitMs(days: unknown): number | null {
  return limited(days) ? days * DAY_MS : null;
}

/**
 * The SQL mirror of `daysLimitMs(...) !== null` for a JSON value `expr`. Stored rules hold
 * integers only (the schema refuses anything else), where `>= 1` reads the same in both.
 */
export const daysLimitedSql = (expr: string) => `(${expr} >= 1)`;

/** A rule's limits on its refs, as instants and durations in ms. */
export interface RefLimits {
  /** `requirement.purchase_from` / `purchase_to` (NaN when missing: no purchase is inside) */
  fromMs: number;
  toMs: number;
  /** `limitation.dynamic_purchase_to_days` after the ref was made; null: no such window */
  dynamicMs: number | null;
  /** `limitation.discount_repeat_usage`; below 0 is unlimited */
  repeatUsage: number;
  /** `limitation.stamp_expire_days`; null: stamps never expire */
  stampExpireMs: number | null;
}

const ms = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : NaN);

export function refLimits(rule: Rule): RefLimits {
  const lim = rule.limitation ?? {};
  const repeat = lim.discount_repeat_usage;
  return {
    fromMs: ms(rule.requirement?.purchase_from),
    toMs: ms(rule.requirement?.purchase_to),
    dynamicMs: daysLimitMs(lim.dynamic_purchase_to_days),
    repeatUsage: typeof repeat === 'number' && Number.isFinite(repeat) ? repeat : -1,
    stampExpireMs: daysLimitMs(lim.stamp_expire_days),
  };
}

/** Whether `atMs` is inside the rule's purchase window (purchase_from to purchase_to, both included). */
export function inPurchaseWindow(l: Pick<RefLimits, 'fromMs' | 'toMs'>, atMs: number): boolean {
  return atMs >= l.fromMs && atMs <= l.toMs;
}

/** No purchase left under discount_repeat_usage. Purchases, not rewards: a purchase spends one. */
export function usedUp(l: Pick<RefLimits, 'repeatUsage'>, purchases: number): boolean {
  return l.repeatUsage >= 0 && purchases >= l.repeatUsage;
}

/** Whether `atMs` is inside the ref's dynamic_purchase_to_days window (always, without one). */
export function inDynamicWindow(l: Pick<RefLimits, 'dynamicMs'>, createdMs: number, atMs: number): boolean {
  return l.dynamicMs === null || atMs <= createdMs + l.dynamicMs;
}

/** The last instant a ref made at `createdMs` serves purchases: purchase_to, or its dynamic end if earlier. */
export function refEndMs(l: Pick<RefLimits, 'toMs' | 'dynamicMs'>, createdMs: number): number {
  return l.dynamicMs === null ? l.toMs : Math.min(l.toMs, createdMs + l.dynamicMs);
}

/**
 * `refEndMs` as an SQL expression over a rule's stored body and `purchase_to` column and a ref's
 * `created_at` column (all epoch ms). test/engine/usability-sql.test.ts pins the two together.
 */
export function refEndSql(cols: { body: string; purchaseTo: string; createdAt: string }): string {
  const days = `json_extract(${cols.body}, '$.limitation.dynamic_purchase_to_days')`;
  return (
    `CASE WHEN ${daysLimitedSql(days)} ` +
    `THEN MIN(${cols.purchaseTo}, ${cols.createdAt} + ${days} * ${DAY_MS}) ELSE ${cols.purchaseTo} END`
  );
}

/** The earliest stamp date that still counts for a purchase at `atMs` (the cleanup expires older ones). */
export function stampOldestMs(l: Pick<RefLimits, 'stampExpireMs'>, atMs: number): number {
  return l.stampExpireMs === null ? -Infinity : atMs - l.stampExpireMs;
}

/**
 * Stamps that count at `atMs`: of the ref's unspent stamps, those dated at or before it and not
 * older than stamp_expire_days before it (so every counted stamp and the purchase lie within
 * stamp_expire_days of the first counted stamp).
 */
export function validStampCount(
  l: Pick<RefLimits, 'stampExpireMs'>,
  stamps: readonly { at: string; quantity: number }[],
  atMs: number,
): number {
  const oldest = stampOldestMs(l, atMs);
  let count = 0;
  for (const s of stamps) {
    const at = Date.parse(s.at);
    if (at <= atMs && at >= oldest && s.quantity > 0) count += s.quantity;
  }
  return count;
}

/**
 * Why a ref (made at `createdMs`, deleted or not) of `rule` cannot serve a purchase at `atMs`
 * from the rule's state and the windows, or null when it can. Used-up refs are judged apart
 * (`usedUp`): that needs the ledger.
 */
export function unusableReason(ref: { deleted: boolean; createdMs: number }, rule: Rule, atMs: number): string | null {
  if (ref.deleted) return 'The ref has been deleted';
  if (rule.deleted_at) return 'The discount rule has been deleted';
  if (!rule.active) return 'The discount rule is not active';
  const l = refLimits(rule);
  if (!inPurchaseWindow(l, atMs)) return "The purchase is outside the discount rule's purchase window";
  if (!inDynamicWindow(l, ref.createdMs, atMs)) return "The ref's dynamic_purchase_to_days window has passed";
  return null;
}
