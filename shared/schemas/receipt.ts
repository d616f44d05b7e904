import * as v from 'valibot';
import { boolParam, dateTime, MAX_MONEY } from './common';

/**
 * The Receipt of `POST /discounts/available_for_receipt` (spec §3). Objects are loose: a POS sends
 * many more fields than discounts need (vat, descriptions, payments), and they come back untouched.
 */
/** Rule ids one evaluation explains on request besides the reachable ones (docs/explain.md). */
export const MAX_EXPLAIN_RULES = 100;

const shortText = (max = 255) => v.pipe(v.string(), v.maxLength(max));

/**
 * Whole minor units, negative on return lines (a returned item's amounts are below zero). Return
 * lines are accepted, never qualify for a discount and come back as they were sent.
 */
const signedMoney = v.pipe(
  v.number(),
  v.integer('Expected whole minor units'),
  v.minValue(-MAX_MONEY, `Expected at least -${MAX_MONEY}`),
  v.maxValue(MAX_MONEY, `Expected at most ${MAX_MONEY}`),
);

const lineFields = {
  percentage: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(100))),
  discount_type: v.optional(shortText()),
  discount_id: v.optional(shortText()),
  description: v.optional(shortText(1000)),
  line_id: v.optional(v.pipe(v.number(), v.integer())),
};
/** Dintero's `DiscountItem`: `amount` is optional (a line without one takes nothing off). */
const discountLine = v.looseObject({ amount: v.optional(signedMoney), ...lineFields });
/** Dintero's `BonusItem`: a bonus given on the line, never taken off its price. */
const bonusLine = v.looseObject({ bonus: v.optional(signedMoney), ...lineFields });

const item = v.looseObject({
  id: v.optional(shortText()),
  groups: v.optional(v.array(v.looseObject({ id: shortText(), name: v.optional(shortText(1000)) }))),
  // Negative on a return line.
  quantity: v.optional(
    v.pipe(
      v.number(),
      v.minValue(-1_000_000, 'Expected a quantity of at least -1000000'),
      v.maxValue(1_000_000, 'Expected a quantity of at most 1000000'),
      v.check((q) => Math.abs(q) >= 0.001, 'Expected a quantity of at least 0.001 (below zero on a return line)'),
      v.check((q) => Math.abs(q * 1000 - Math.round(q * 1000)) < 1e-6, 'Expected at most three decimals'),
    ),
  ),
  line_id: v.optional(v.pipe(v.number(), v.integer('Expected an integer'), v.minValue(1))),
  gross_amount: v.optional(signedMoney),
  net_amount: v.optional(signedMoney),
  unit_gross_price: v.optional(signedMoney),
  eligible_for_discount: v.optional(v.boolean()),
  discount_lines: v.optional(v.array(discountLine)),
  bonus_lines: v.optional(v.array(bonusLine)),
});

const token = v.looseObject({
  token_id: v.optional(shortText()),
  value: v.optional(shortText(1000)),
  type: v.optional(shortText()),
});

/** Most lines a receipt sent to the API may have. */
export const MAX_RECEIPT_ITEMS = 1000;

export const receiptSchema = v.pipe(
  v.looseObject({
    receipt_id: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
    purchase_at: dateTime,
    store: v.looseObject({
      id: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
      mcc: v.optional(v.union([v.pipe(v.number(), v.integer()), v.pipe(v.string(), v.regex(/^\d{1,6}$/))])),
    }),
    customer_id: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
    customer: v.optional(v.looseObject({ customer_id: v.optional(shortText()), token: v.optional(token) })),
    items: v.optional(v.pipe(v.array(item), v.maxLength(MAX_RECEIPT_ITEMS))),
    gross_amount: v.optional(signedMoney),
    net_amount: v.optional(signedMoney),
    currency: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'Expected an ISO 4217 currency code'))),
    discount_code: v.optional(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(255)))),
    explain_rules: v.optional(
      v.pipe(
        v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
        v.maxLength(MAX_EXPLAIN_RULES, `Expected at most ${MAX_EXPLAIN_RULES} rule ids`),
        v.description('With `explain=true`: rules to explain even when the receipt cannot reach them; never echoed'),
      ),
    ),
  }),
  v.check((r) => {
    const ids = (r.items ?? []).map((i) => i.line_id).filter((id) => id !== undefined);
    return new Set(ids).size === ids.length;
  }, 'Each item needs its own line_id'),
);

export type ReceiptInput = v.InferOutput<typeof receiptSchema>;

/**
 * The receipt a Dintero Checkout session becomes (shared/checkout/dintero.ts): its items, at most
 * MAX_RECEIPT_ITEMS like any receipt's, and the selected shipping option's line after them.
 */
export const sessionReceiptSchema = v.pipe(
  v.looseObject({
    ...receiptSchema.pipe[0].entries,
    items: v.optional(v.pipe(v.array(item), v.maxLength(MAX_RECEIPT_ITEMS + 1))),
  }),
  receiptSchema.pipe[1],
);

/** `?explain=true` adds `explanations[]` (docs/explain.md). Other query parameters stay ignored, as before. */
export const receiptQuerySchema = v.object({ explain: v.optional(boolParam) });
