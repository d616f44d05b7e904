import * as v from 'valibot';
import { REASONS } from '../engine/reasons';
import { ruleSchema } from './responses';

/** What `available_for_receipt` answers: the receipt as sent, plus what the engine added. */
const money = v.pipe(v.number(), v.integer());

const lineFields = {
  percentage: v.optional(v.number()),
  discount_type: v.optional(v.string()),
  discount_id: v.optional(v.string()),
  description: v.optional(v.string()),
  line_id: v.optional(v.number()),
};
/** Dintero's `DiscountItem` (`amount` optional on lines the receipt brought). */
const discountLine = v.looseObject({ amount: v.optional(money), ...lineFields });
/** Dintero's `BonusItem`: `bonus` where a discount line has `amount`. */
const bonusLine = v.looseObject({ bonus: v.optional(money), ...lineFields });

export const evaluatedRefSchema = v.object({
  id: v.string(),
  amount: money,
  stamp: v.number(),
  bonus: money,
  usage: v.number(),
  statistics: v.object({
    stamp: v.number(),
    usage: v.number(),
    amount: money,
    bonus: money,
    debit_balance: money,
  }),
  items: v.array(v.object({ line_id: v.number(), amount: money, bonus: money })),
});

/** One rule's entry of `explanations[]` (`?explain=true`): docs/explain.md. */
const explanationSchema = v.pipe(
  v.strictObject({
    discount_id: v.string(),
    applied: v.pipe(v.boolean(), v.description("The rule is in the answer's discounts[]")),
    reason: v.optional(
      v.pipe(v.picklist(REASONS), v.description('The first check the rule failed, in the order they run')),
    ),
    field: v.optional(v.pipe(v.string(), v.description('The rule or receipt field the reason is about'))),
    needed: v.optional(v.pipe(v.unknown(), v.description('What the rule needs'))),
    had: v.optional(v.pipe(v.unknown(), v.description('What the receipt had'))),
  }),
  v.metadata({ ref: 'ReceiptExplanation', description: 'Why a rule did or did not apply to the receipt' }),
);

const { statistics: _ruleStatistics, ...ruleEntries } = ruleSchema.pipe[0].entries;

/** Dintero's `DiscountRefs`: the whole rule as stored (no rule-wide statistics) and the refs this receipt uses. */
const discountRefsSchema = v.pipe(
  v.strictObject({
    ...ruleEntries,
    code: v.optional(v.pipe(v.string(), v.description('The pool code this discount takes (docs/codes.md)'))),
    refs: v.array(evaluatedRefSchema),
  }),
  v.metadata({ ref: 'DiscountRefs' }),
);

/**
 * The receipt is echoed as it was sent (every field the POS brought comes back untouched), so the
 * answer declares the receipt's own fields as well as the ones the engine adds: a client generating
 * types from the document sees the whole answer, and the document's example fits its schema.
 */
const echoedItem = {
  id: v.optional(v.string()),
  groups: v.optional(v.array(v.looseObject({ id: v.string(), name: v.optional(v.string()) }))),
  quantity: v.optional(v.number()),
  gross_amount: v.optional(money),
  net_amount: v.optional(money),
  unit_gross_price: v.optional(money),
  eligible_for_discount: v.optional(v.boolean()),
};
const echoedReceipt = {
  store: v.looseObject({ id: v.string(), mcc: v.optional(v.union([v.number(), v.string()])) }),
  customer_id: v.optional(v.string()),
  customer: v.optional(
    v.looseObject({
      customer_id: v.optional(v.string()),
      token: v.optional(
        v.looseObject({
          token_id: v.optional(v.string()),
          value: v.optional(v.string()),
          type: v.optional(v.string()),
        }),
      ),
    }),
  ),
  gross_amount: v.optional(money),
  net_amount: v.optional(money),
  currency: v.optional(v.string()),
  discount_code: v.optional(v.array(v.string())),
};

export const evaluatedReceiptSchema = v.looseObject({
  receipt_id: v.string(),
  purchase_at: v.string(),
  ...echoedReceipt,
  is_changed: v.boolean(),
  items: v.array(
    v.looseObject({
      ...echoedItem,
      line_id: v.number(),
      is_changed: v.boolean(),
      discount_lines: v.array(discountLine),
      bonus_lines: v.array(bonusLine),
    }),
  ),
  explanations: v.optional(
    v.pipe(
      v.array(explanationSchema),
      v.description('Only with `explain=true`: one entry per rule the receipt could reach or `explain_rules` names'),
    ),
  ),
  discounts: v.array(discountRefsSchema),
});
