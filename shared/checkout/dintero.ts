import type { EvaluationResult, ReceiptDiscountLine, ResultItem } from '../engine';
import type { ClaimInput } from '../schemas/claim';
import type { DinteroItem, DinteroSession, DinteroShippingOption, DiscountCodesAnswer } from '../schemas/checkout';
import type { ReceiptInput } from '../schemas/receipt';
import {
  discountOn,
  memoOf,
  optionKey,
  originalAmount,
  priced,
  pricedOptions,
  shippingLine,
  type ShippingMemo,
} from './shipping';

/**
 * Dintero Checkout ⇄ the engine (docs/checkout.md, "Mapping"). Pure functions: a session becomes a
 * receipt, the evaluation becomes the order Dintero expects back and the claim a payment commits.
 *
 * Amounts: a Dintero item's `amount` is the line total including VAT after the discount lines it
 * carries. The engine wants the total before discounts, so `gross_amount = amount + Σ discount_lines`.
 * Lines rabatt itself added in an earlier call for the same session (Dintero sends the order back as
 * we answered it) are taken off first, so calling again never discounts twice. Which lines are
 * rabatt's is decided by the caller (`ours`): it must not depend on the stored plan alone, which
 * expires after 24 h while the shopper's order still carries our lines.
 */

/** Store id of receipts built from checkout sessions that name no store. */
export const CHECKOUT_STORE_ID = 'dintero-checkout';

export interface PreparedItem {
  source: DinteroItem;
  /** The amount before rabatt's discounts (the merchant's own discount lines still deducted). */
  amount: number;
  /** Discount lines that are not rabatt's, kept as sent. */
  kept: NonNullable<DinteroItem['discount_lines']>;
}

export interface PreparedSession {
  receipt: ReceiptInput;
  items: PreparedItem[];
  /** The selected shipping option, its price before rabatt's discount and its receipt line (shipping.ts). */
  shipping?: { option: DinteroShippingOption; original: number; lineId: number };
  /** Every shipping option's price before rabatt's discount, by option key; the memo they came from. */
  originals: Map<string, number>;
  memo?: ShippingMemo;
}

const sum = (xs: readonly { amount: number }[] | undefined) => (xs ?? []).reduce((s, x) => s + x.amount, 0);

/** VAT included in `amount`, from the percentage when given, else scaled from the item's `vat_amount`. */
function vatOf(item: DinteroItem, amount: number): number | undefined {
  if (item.vat !== undefined) return Math.round((amount * item.vat) / (100 + item.vat));
  if (item.vat_amount !== undefined) return item.amount > 0 ? Math.round((item.vat_amount * amount) / item.amount) : 0;
  return undefined;
}

export type DinteroDiscountLine = NonNullable<DinteroItem['discount_lines']>[number];

/**
 * @param ours whether a discount line is one rabatt added before (taken off again)
 * @param memo what rabatt answered for the shipping options last time (shipping.ts)
 */
export function prepareSession(
  session: DinteroSession,
  purchaseAt: string,
  ours: (line: DinteroDiscountLine) => boolean,
  memo?: ShippingMemo,
): PreparedSession {
  const items: PreparedItem[] = [];
  const receiptItems = (session.order.items ?? []).map((item, i) => {
    const lines = item.discount_lines ?? [];
    const kept = lines.filter((l) => !ours(l));
    const amount = item.amount + sum(lines) - sum(kept);
    items.push({ source: item, amount, kept });
    const gross = amount + sum(kept);
    const vat = vatOf(item, gross);
    return {
      ...(item.id !== undefined && { id: item.id }),
      ...(item.groups !== undefined && {
        groups: item.groups.map((g) => ({ id: g.id, ...(g.name !== undefined && { name: g.name }) })),
      }),
      quantity: item.quantity ?? 1,
      // Dintero's line ids are strings; the engine numbers lines, so items are numbered in order.
      line_id: i + 1,
      gross_amount: gross,
      ...(vat !== undefined && { net_amount: gross - vat }),
      ...(item.eligible_for_discount !== undefined && { eligible_for_discount: item.eligible_for_discount }),
      discount_lines: kept.map((l, k) => ({
        amount: l.amount,
        ...(l.discount_id !== undefined && { discount_id: l.discount_id }),
        line_id: k + 1,
      })),
    };
  });
  const originals = new Map<string, number>();
  for (const o of session.express?.shipping_options ?? []) originals.set(optionKey(o), originalAmount(o, memo));
  const selected = session.order.shipping_option;
  let shipping: PreparedSession['shipping'];
  if (selected) {
    const original = originalAmount(selected, memo);
    originals.set(optionKey(selected), original);
    shipping = { option: selected, original, lineId: receiptItems.length + 1 };
    receiptItems.push(shippingLine(selected, original, shipping.lineId) as (typeof receiptItems)[number]);
  }
  const customerId = session.customer?.customer_id;
  const receipt: ReceiptInput = {
    receipt_id: session.id,
    purchase_at: purchaseAt,
    store: { id: session.store?.id ?? CHECKOUT_STORE_ID },
    ...(customerId !== undefined && { customer_id: customerId }),
    ...(session.order.currency !== undefined && { currency: session.order.currency }),
    gross_amount: receiptItems.reduce((s, i) => s + i.gross_amount, 0),
    discount_code: [...new Set(session.order.discount_codes ?? [])],
    items: receiptItems,
  };
  return { receipt, items, originals, ...(shipping && { shipping }), ...(memo && { memo }) };
}

/** Codes of the session that a rule in the evaluation asks for (`requirement.discount_code`). */
export function acceptedCodes(
  codes: readonly string[],
  result: EvaluationResult,
  codeOf: (ruleId: string) => string | string[] | undefined,
): string[] {
  const matched = new Set<string>();
  for (const d of result.receipt.discounts) {
    // A pool rule's code (docs/codes.md) is the one the engine took.
    if (typeof d.code === 'string') matched.add(d.code);
    const code = codeOf(d.id);
    for (const c of Array.isArray(code) ? code : code === undefined ? [] : [code]) matched.add(c);
  }
  return [...new Set(codes)].filter((c) => matched.has(c));
}

function dinteroLine(line: ReceiptDiscountLine) {
  return {
    amount: line.amount ?? 0,
    ...(line.percentage !== undefined && { percentage: line.percentage }),
    discount_type: line.discount_type ?? 'customer',
    discount_id: line.discount_id,
    description: line.description ?? '',
    line_id: line.line_id,
  };
}

/**
 * The express discount-code answer: every item, reduced by its new discount lines; `amount` is what
 * the shopper pays, the items after discounts plus the selected shipping option (as Dintero's
 * express sample computes it); the shipping options echoed at the top level.
 */
export function discountCodesAnswer(
  session: DinteroSession,
  prepared: PreparedSession,
  result: EvaluationResult,
  codes: string[],
  evaluateEach?: (receipts: ReceiptInput[]) => EvaluationResult[],
): DiscountCodesAnswer {
  const byLine = new Map<number, ResultItem>(result.receipt.items.map((i) => [i.line_id, i]));
  const items = prepared.items.map((p, i) => {
    const added = (byLine.get(i + 1)?.discount_lines ?? []).slice(p.kept.length);
    const amount = p.amount - added.reduce((s, l) => s + (l.amount ?? 0), 0);
    const out: Record<string, unknown> = {
      ...p.source,
      amount,
      discount_lines: [...p.kept, ...added.map(dinteroLine)],
    };
    if (p.source.vat_amount !== undefined || p.source.vat !== undefined) out.vat_amount = vatOf(p.source, amount);
    return out as DiscountCodesAnswer['order']['items'][number];
  });
  // The selected shipping option after rabatt's discount on its line (docs/shipping.md).
  const ship = prepared.shipping;
  const discount = ship ? discountOn(result, ship.lineId) : 0;
  const selected = ship && priced(ship.option, ship.original, discount);
  return {
    order: {
      discount_codes: codes,
      amount: items.reduce((s, i) => s + i.amount, 0) + (selected?.amount ?? 0),
      ...(selected && selected !== ship.option && { shipping_option: selected }),
      items,
    },
    shipping_options: pricedOptions(
      session,
      prepared.receipt,
      ship && { key: optionKey(ship.option), discount },
      prepared.memo,
      evaluateEach,
    ),
  };
}

/** What the session remembers of this answer's shipping prices for the next call (shipping.ts). */
export function shippingMemoOf(prepared: PreparedSession, answer: DiscountCodesAnswer): ShippingMemo | undefined {
  const selected = answer.order.shipping_option ?? prepared.shipping?.option;
  const answered = [...(answer.shipping_options as DinteroShippingOption[]), ...(selected ? [selected] : [])];
  return memoOf(answered as DinteroShippingOption[], prepared.originals);
}

/** What a payment of this evaluation claims: every ref that takes an amount, a reward or a stamp. */
export function claimDiscounts(result: EvaluationResult): ClaimInput['discounts'] {
  return result.receipt.discounts
    .map((d) => ({
      id: d.id,
      ...(typeof d.code === 'string' && { code: d.code }),
      refs: d.refs
        .map((r) => ({
          id: r.id,
          amount: r.amount,
          usage: r.usage,
          stamp: Math.floor(r.stamp),
          ...(r.bonus > 0 && { bonus: r.bonus }),
        }))
        .filter((r) => r.amount > 0 || r.usage > 0 || r.stamp > 0 || (r.bonus ?? 0) > 0),
    }))
    .filter((d) => d.refs.length > 0);
}
