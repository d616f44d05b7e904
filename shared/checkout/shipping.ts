import type { EvaluationResult } from '../engine';
import { SHIPPING_GROUP } from '../engine/match';
import type { DinteroSession, DinteroShippingOption } from '../schemas/checkout';
import type { ReceiptInput } from '../schemas/receipt';

/**
 * Shipping discounts in Dintero Checkout (docs/shipping.md). The selected `order.shipping_option`
 * becomes a receipt line in the shipping group, so `discount_shipping` rules discount it and its
 * payment claims it; every express shipping option is priced the same way on its own receipt.
 * Dintero's shipping options have no discount lines, so to take its own discount off again when the
 * session comes back, rabatt remembers (with the session, 24 h) what it answered for each option.
 */

/** What rabatt answered for each option (by `line_id`, else `id`): the price before and after. */
export type ShippingMemo = Record<string, { original: number; answered: number }>;

type ReceiptItem = NonNullable<ReceiptInput['items']>[number];

export const optionKey = (o: DinteroShippingOption) => String(o.line_id ?? o.id ?? '');

/** The option's price before rabatt's discount: an amount rabatt answered is taken back to what it was. */
export function originalAmount(o: DinteroShippingOption, memo: ShippingMemo | undefined): number {
  const m = memo?.[optionKey(o)];
  return m && m.answered === o.amount ? m.original : o.amount;
}

/** VAT included in `amount`: from the percentage when given, else scaled from the sent `vat_amount`. */
function vatOf(o: DinteroShippingOption, amount: number): number | undefined {
  if (o.vat !== undefined) return Math.round((amount * o.vat) / (100 + o.vat));
  if (o.vat_amount !== undefined) return o.amount > 0 ? Math.round((o.vat_amount * amount) / o.amount) : 0;
  return undefined;
}

/** The receipt line of a shipping option: the shipping group marks it, its `id` names the option. */
export function shippingLine(o: DinteroShippingOption, original: number, lineId: number): ReceiptItem {
  const vat = vatOf(o, original);
  return {
    ...(o.id !== undefined && { id: o.id }),
    groups: [{ id: SHIPPING_GROUP }],
    quantity: 1,
    line_id: lineId,
    gross_amount: original,
    ...(vat !== undefined && { net_amount: original - vat }),
  };
}

/** What rabatt's rules took off line `lineId` of an evaluation. */
export function discountOn(result: EvaluationResult, lineId: number): number {
  const item = result.receipt.items.find((i) => i.line_id === lineId);
  return (item?.discount_lines ?? [])
    .filter((l) => l.discount_type === 'customer')
    .reduce((s, l) => s + (l.amount ?? 0), 0);
}

/** The option as answered: as sent when nothing changes, else its new `amount` and `vat_amount`. */
export function priced(o: DinteroShippingOption, original: number, discount: number): DinteroShippingOption {
  const amount = Math.max(original - discount, 0);
  if (amount === o.amount) return o;
  const vat = vatOf(o, amount);
  return { ...o, amount, ...(vat !== undefined && o.vat_amount !== undefined && { vat_amount: vat }) };
}

/**
 * Every express shipping option, priced: the selected one from the session's own evaluation, each
 * other one by evaluating the session's receipt with that option as its shipping line (all in one
 * `evaluateEach` call; not called when the account has no shipping rule, `shippingRules` false).
 * Each option needs its own evaluation: which rules win (exclusive ones, budgets) depends on its price.
 */
export function pricedOptions(
  session: DinteroSession,
  receipt: ReceiptInput,
  selected: { key: string; discount: number } | undefined,
  memo: ShippingMemo | undefined,
  evaluateEach: ((receipts: ReceiptInput[]) => EvaluationResult[]) | undefined,
): DinteroShippingOption[] {
  const goods = (receipt.items ?? []).filter((i) => !i.groups?.some((g) => g.id === SHIPPING_GROUP));
  const lineId = goods.length + 1;
  const options = (session.express?.shipping_options ?? []).map((o) => ({ o, original: originalAmount(o, memo) }));
  const chosen = ({ o }: { o: DinteroShippingOption }) => selected !== undefined && optionKey(o) === selected.key;
  const others = evaluateEach ? options.filter((x) => !chosen(x)) : [];
  const variants = others.map(({ o, original }) => {
    const items = [...goods, shippingLine(o, original, lineId)];
    return { ...receipt, items, gross_amount: items.reduce((s, i) => s + (i.gross_amount ?? 0), 0) };
  });
  const results = evaluateEach && variants.length > 0 ? evaluateEach(variants) : [];
  const off = new Map(others.map((x, i) => [x, discountOn(results[i] as EvaluationResult, lineId)]));
  return options.map((x) => priced(x.o, x.original, chosen(x) ? (selected?.discount ?? 0) : (off.get(x) ?? 0)));
}

/** What to remember for the next call: each option whose answered price differs from its original. */
export function memoOf(
  answered: readonly DinteroShippingOption[],
  originals: ReadonlyMap<string, number>,
): ShippingMemo | undefined {
  const memo: ShippingMemo = {};
  for (const o of answered) {
    const original = originals.get(optionKey(o));
    if (original !== undefined && original !== o.amount) memo[optionKey(o)] = { original, answered: o.amount };
  }
  return Object.keys(memo).length ? memo : undefined;
}
