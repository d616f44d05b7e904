import * as v from 'valibot';
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

const { statistics: _ruleStatistics, ...ruleEntries } = ruleSchema.pipe[0].entries;

/** Dintero's `DiscountRefs`: the whole rule as stored (no rule-wide statistics) and the refs this receipt uses. */
export const discountRefsSchema = v.pipe(
  v.strictObject({ ...ruleEntries, refs: v.array(evaluatedRefSchema) }),
  v.metadata({ ref: 'DiscountRefs' }),
);

export const evaluatedReceiptSchema = v.looseObject({
  receipt_id: v.string(),
  purchase_at: v.string(),
  is_changed: v.boolean(),
  items: v.array(
    v.looseObject({
      line_id: v.number(),
      is_changed: v.boolean(),
      discount_lines: v.array(discountLine),
      bonus_lines: v.array(bonusLine),
    }),
  ),
  discounts: v.array(discountRefsSchema),
});
