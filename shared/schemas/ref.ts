import * as v from 'valibot';
import { entityFields } from './responses';
import { boolParam, intParam, money } from './common';

/**
 * A customer id as the merchant knows it (Dintero: at most 255 characters, no surrounding spaces).
 * It need not exist in our customer registry: the merchant's customers may live elsewhere.
 */
export const customerId = v.pipe(
  v.string(),
  v.minLength(1, 'Expected a customer id'),
  v.maxLength(255, 'Expected at most 255 characters'),
  v.check((s) => s.trim() === s, 'Expected no leading or trailing spaces'),
);

/** `*`: every purchase with a customer; `/`: purchases without one; anything else: one customer. */
export const refTarget = customerId;

export const refGiveSchema = v.strictObject({
  customers: v.pipe(
    v.array(refTarget),
    v.minLength(1, 'Expected at least one customer'),
    v.maxLength(1000, 'Expected at most 1000 customers'),
  ),
  offering_constraint_id: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
});
export type RefGive = v.InferOutput<typeof refGiveSchema>;

export const refTakeSchema = v.strictObject({
  customers: v.pipe(
    v.array(refTarget),
    v.minLength(1, 'Expected at least one customer'),
    v.maxLength(1000, 'Expected at most 1000 customers'),
  ),
});
export type RefTake = v.InferOutput<typeof refTakeSchema>;

export const REF_STATES = ['all', 'available', 'deleted', 'inactive'] as const;

/** Ref-based lists page by ref id and allow up to 1000 a page (spec §1). */
const refPaging = {
  limit: v.optional(intParam(1, 1000), '10'),
  starting_after: v.optional(v.pipe(v.string(), v.maxLength(255))),
  total: v.optional(boolParam),
};

export const refListQuerySchema = v.strictObject({
  ...refPaging,
  state: v.optional(v.picklist(REF_STATES), 'all'),
});
export type RefListQuery = v.InferOutput<typeof refListQuerySchema>;

export const customerRulesQuerySchema = v.strictObject({ ...refPaging });
export type CustomerRulesQuery = v.InferOutput<typeof customerRulesQuerySchema>;

export const usageListQuerySchema = v.strictObject({
  ...refPaging,
  ref_id: v.optional(v.pipe(v.string(), v.maxLength(255))),
  customer_id: v.optional(customerId),
});
export type UsageListQuery = v.InferOutput<typeof usageListQuerySchema>;

/** Bounded so counters summed over years stay exact integers (amounts: `money`). */
const count = v.pipe(
  v.number(),
  v.integer('Expected an integer'),
  v.minValue(0, 'Expected at least 0'),
  v.maxValue(1_000_000, 'Expected at most 1000000'),
);

/** `POST /customers/{cid}/refs/{ref_id}`: stamps/usage recorded by hand; one `ref` counts once. */
export const usageRefSchema = v.strictObject({
  // A manual adjustment: unlike a claim it may record an amount without a use.
  usage_ref: v.strictObject({
    ref: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
    ref_type: v.optional(v.pipe(v.string(), v.maxLength(255))),
    usage: v.optional(count, 0),
    stamp: v.optional(count, 0),
    amount: v.optional(money, 0),
  }),
});
export type UsageRef = v.InferOutput<typeof usageRefSchema>['usage_ref'];

// Answers

const stamp = v.pipe(v.string(), v.description('RFC 3339 date-time'));

export const refSchema = v.pipe(
  v.strictObject({
    discount_id: v.pipe(v.string(), v.description('The rule this ref gives')),
    customer_id: v.pipe(v.nullable(v.string()), v.description('null for refs given to `*` or `/`')),
    kind: v.pipe(
      v.picklist(['customer', '*', '/']),
      v.description('`customer`, `*` (every customer) or `/` (purchases without a customer)'),
    ),
    offering_constraint_id: v.optional(v.string()),
    ...entityFields,
    updated_by: v.string(),
  }),
  v.metadata({
    ref: 'DiscountRef',
    description: 'A rule given to a customer, to every customer (`*`) or to purchases without one (`/`)',
  }),
);
export type Ref = v.InferOutput<typeof refSchema>;

export const refStatisticsSchema = v.pipe(
  v.strictObject({
    stamp: v.pipe(
      v.number(),
      v.description('Stamps recorded, not released, not spent by a reward and not expired by the scheduled cleanup'),
    ),
    current_stamp: v.pipe(
      v.number(),
      v.description('Of those, the stamps that count now: dated at or before now and within stamp_expire_days'),
    ),
    usage: v.pipe(
      v.number(),
      v.description('Rewards taken: the sum of `usage` over live claims, receipts and usage_refs'),
    ),
    purchases: v.pipe(
      v.number(),
      v.description('Purchases that used the ref (live entries with usage > 0); `discount_repeat_usage` limits this'),
    ),
    amount: v.number(),
    debit_balance: v.number(),
  }),
  v.metadata({ ref: 'DiscountRefStatistics' }),
);
export type RefStatistics = v.InferOutput<typeof refStatisticsSchema>;

export const refWithStatisticsSchema = v.pipe(
  v.strictObject({ ...refSchema.entries, statistics: refStatisticsSchema }),
  v.metadata({ ref: 'DiscountRefWithStatistics' }),
);

/** A customer's usable rule: the rule as stored, plus the ref that gives it and its statistics. */
export const customerRuleSchema = v.pipe(
  v.looseObject({
    id: v.string(),
    ref_id: v.string(),
    requirement: v.looseObject({}),
    reward: v.looseObject({}),
    statistics: refStatisticsSchema,
  }),
  v.metadata({ ref: 'CustomerDiscountRule' }),
);

export const usageEntrySchema = v.pipe(
  v.strictObject({
    id: v.string(),
    ref_id: v.string(),
    discount_id: v.string(),
    customer_id: v.nullable(v.string()),
    source: v.pipe(
      v.picklist(['claim', 'usage_ref', 'receipt']),
      v.description('What recorded it: a claim, a `usage_ref`, or a `receipt_add` event'),
    ),
    source_ref: v.pipe(v.nullable(v.string()), v.description('The claim id, the usage_ref `ref`, or the receipt id')),
    ref_type: v.optional(v.string()),
    usage: v.number(),
    amount: v.number(),
    stamp: v.number(),
    debit: v.pipe(v.number(), v.description("What this entry took from the ref's debit balance")),
    purchase_at: stamp,
    created_at: stamp,
    created_by: v.string(),
    released_at: v.optional(stamp),
    released_by: v.optional(v.string()),
  }),
  v.metadata({ ref: 'DiscountUsage', description: "One entry of a rule's usage ledger" }),
);
export type UsageEntry = v.InferOutput<typeof usageEntrySchema>;
