import * as v from 'valibot';
import { boolParam, intParam } from './common';
import { refStatisticsSchema } from './ref';

/**
 * `GET /discounts/rules/{did}/usages`: Dintero's `DiscountUsage[]`, one entry per ref of the rule,
 * paged by ref. Our per-row ledger (every claim, receipt and usage_ref, released ones too) is at
 * `GET /discounts/rules/{did}/ledger` (docs/refs.md).
 */
export const discountUsageQuerySchema = v.strictObject({
  limit: v.optional(intParam(1, 1000), '10'),
  /** A `ref_id` from an earlier page. */
  starting_after: v.optional(v.pipe(v.string(), v.maxLength(255))),
  total: v.optional(boolParam),
});
export type DiscountUsageQuery = v.InferOutput<typeof discountUsageQuerySchema>;

const instant = v.pipe(v.string(), v.description('RFC 3339 date-time'));

const usageRefEntrySchema = v.pipe(
  v.strictObject({
    ref: v.pipe(v.string(), v.description('The claim id, the usage_ref `ref`, or the receipt id')),
    ref_type: v.pipe(
      v.string(),
      v.description('The usage_ref `ref_type` when given; else `claim`, `receipt_add` or `usage_ref`'),
    ),
    usage: v.number(),
    stamp: v.number(),
    amount: v.number(),
    customer_id: v.pipe(v.nullable(v.string()), v.description('Whose purchase it was (for a `*` ref: who bought)')),
    created_at: instant,
    created_by: v.string(),
  }),
  v.metadata({ ref: 'UsageRef', description: 'What one live claim, receipt or usage_ref added to a ref' }),
);

export const discountUsageSchema = v.pipe(
  v.strictObject({
    id: v.pipe(v.string(), v.description('The ref id (one entry per ref)')),
    ref_id: v.string(),
    discount_id: v.string(),
    customer_id: v.pipe(v.nullable(v.string()), v.description('null for refs given to `*` or `/`')),
    create_at: v.pipe(instant, v.description("When the ref was given (Dintero's spelling)")),
    updated_at: v.pipe(instant, v.description('The latest change to the ref or its usage')),
    created_by: v.string(),
    usage_refs: v.array(usageRefEntrySchema),
    statistics: refStatisticsSchema,
  }),
  v.metadata({
    ref: 'DiscountUsage',
    description: "One ref of a rule with what was recorded on it; a `*` ref's figures sum every customer",
  }),
);
export type DiscountUsage = v.InferOutput<typeof discountUsageSchema>;
