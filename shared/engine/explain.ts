// `explain`: why each rule a receipt could reach did or did not apply. The decision is never made
// here: the checks in match.ts and evaluate.ts return the reason they failed on (`Reason`), and
// this file only words that outcome for the caller: the field it is about, what was needed, what
// the receipt had. Closed list of reasons, in the order the checks run: docs/explain.md.

import type { CompiledRule } from './compile';
import { localTime } from './hours';
import type { Ctx } from './match';
import type { Detail, Explanation, Reason, ReceiptReason } from './reasons';
import type { RefState } from './types';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
const clock = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** The field, need and fact behind a receipt-level reason. */
export function receiptDetail(reason: ReceiptReason, c: CompiledRule, ctx: Ctx): Detail {
  const req = c.rule.requirement;
  const receipt = ctx.receipt;
  switch (reason) {
    case 'inactive':
      return c.rule.deleted_at
        ? { field: 'deleted_at', needed: null, had: c.rule.deleted_at }
        : { field: 'active', needed: true, had: false };
    case 'outside_purchase_window': {
      const early = ctx.purchaseMs < c.fromMs;
      return {
        field: early ? 'requirement.purchase_from' : 'requirement.purchase_to',
        needed: { purchase_from: iso(c.fromMs), purchase_to: iso(c.toMs) },
        had: receipt.purchase_at,
      };
    }
    case 'gross_amount_below':
      return { field: 'requirement.gross_amount', needed: c.grossMin, had: ctx.grossTotal };
    case 'net_amount_below':
      return { field: 'requirement.net_amount', needed: c.netMin, had: ctx.netTotal };
    case 'discount_code_missing':
      // The rule's codes are its secret: the caller learns that a code was missing, not which.
      // A pool rule (docs/codes.md) whose own discount_code is there missed its pool: `codes`.
      return {
        field: c.codes && !c.codes.some((code) => ctx.codes.has(code)) ? 'requirement.discount_code' : 'codes',
        had: receipt.discount_code ?? [],
      };
    case 'currency':
      return { field: 'requirement.currencies', needed: req.currencies, had: receipt.currency ?? null };
    case 'store':
      return c.storeIds && !c.storeIds.has(receipt.store?.id)
        ? { field: 'requirement.store_ids', needed: req.store_ids, had: receipt.store?.id ?? null }
        : { field: 'requirement.store', needed: req.store, had: receipt.store ?? null };
    case 'customer_requirement':
      // The customer seen by the engine includes facts stored for the customer; they are not echoed.
      return { field: 'requirement.customer', needed: req.customer };
    case 'outside_discount_hours': {
      const hours = c.hours;
      const t = hours && !Number.isNaN(ctx.purchaseMs) ? localTime(ctx.purchaseMs, hours.timeZone) : null;
      return {
        field: 'limitation.discount_hours',
        needed: c.rule.limitation?.discount_hours,
        had: t ? `${DAY_NAMES[t.day]} ${clock(t.minute)} ${hours?.timeZone}` : null,
      };
    }
    case 'receipt_has_discount':
      return { field: 'limitation.discount_eligible', needed: 'receipt_no_discount', had: 'discount_lines' };
  }
}

/**
 * How many units of matching lines the rule needs, and how many the receipt has: exactly the
 * bound matchLines tests (`had < max(needed, 0.001)`), so a rule without a quantity needs 0.001.
 */
export function itemDetail(c: CompiledRule, hadMilli: number, mix?: number): Detail {
  if (mix !== undefined) {
    return {
      field: `requirement.item.mixes.${mix}`,
      needed: Math.max(c.mixes[mix]?.qtyMilli ?? 1000, 1) / 1000,
      had: hadMilli / 1000,
    };
  }
  return { field: 'requirement.item', needed: Math.max(c.itemQtyMilli, 1) / 1000, had: hadMilli / 1000 };
}

/** The field, need and fact behind a ref reason, for the ref the engine would have used first. */
export function refDetail(reason: Reason, c: CompiledRule, ref: RefState | undefined, ctx: Ctx): Detail {
  switch (reason) {
    case 'usage_limit_reached':
      return { field: 'limitation.discount_repeat_usage', needed: c.repeatUsage, had: ref?.purchases ?? 0 };
    case 'ref_expired':
      return {
        field: 'limitation.dynamic_purchase_to_days',
        needed: c.rule.limitation?.dynamic_purchase_to_days,
        had: ref?.created_at ?? null,
      };
    default:
      return { field: 'customer_id', had: ctx.receipt.customer_id ?? null };
  }
}

/**
 * An explanation for a caller that may not read rules (no `read:discounts`/`admin:discounts`): the
 * reason and the field, never `needed` or `had`, which can carry the rule's private values (required
 * customer names and dates of birth, store e-mails) and other refs' facts (docs/explain.md).
 */
export function withoutValues({ needed: _needed, had: _had, ...rest }: Explanation): Explanation {
  return rest;
}
