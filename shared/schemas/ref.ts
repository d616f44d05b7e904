import * as v from 'valibot';
import { entityFields, ruleSchema } from './responses';
import { boolParam, dateTime, intParam, money } from './common';

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

/** A customer's rules page by ref id like Dintero's: `limit` 1–100 (default 10). */
export const customerRulesQuerySchema = v.strictObject({
  ...refPaging,
  limit: v.optional(intParam(1, 100), '10'),
});
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

/**
 * `POST /customers/{cid}/refs/{ref_id}`: stamps/usage recorded by hand; one `ref` counts once.
 * `usage_ref` is optional as in Dintero: without it the ref is answered unchanged.
 */
export const usageRefSchema = v.strictObject({
  // A manual adjustment: unlike a claim it may record an amount without a use.
  usage_ref: v.optional(
    v.strictObject({
      ref: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
      ref_type: v.optional(v.pipe(v.string(), v.maxLength(255))),
      usage: v.optional(count, 0),
      stamp: v.optional(count, 0),
      amount: v.optional(money, 0),
      /** An import's source time (docs/import.md): only with `keep_id=true`, admin:discounts. */
      purchase_at: v.optional(v.pipe(dateTime, v.description('Only with keep_id=true (imports): when it happened'))),
    }),
  ),
});
export type UsageRef = NonNullable<v.InferOutput<typeof usageRefSchema>['usage_ref']>;

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
    used: v.pipe(v.number(), v.description('The same as `usage` (Dintero keeps this older name)')),
    purchases: v.pipe(
      v.number(),
      v.description('Purchases that used the ref (live entries with usage > 0); `discount_repeat_usage` limits this'),
    ),
    amount: v.number(),
    bonus: v.pipe(v.number(), v.description('Bonus given so far (rules with `effect: bonus`)')),
    debit_balance: v.number(),
  }),
  v.metadata({ ref: 'DiscountRefStatistics' }),
);
export type RefStatistics = v.InferOutput<typeof refStatisticsSchema>;

const { statistics: _ruleStatistics, ...ruleEntries } = ruleSchema.pipe[0].entries;

/**
 * A rule as one customer holds it (Dintero's `Discount & CustomerDiscountStatistics & {ref_id}`):
 * the rule as stored (`id` is the rule's), the ref's id, and the ref's statistics for this customer.
 */
export const customerDiscountSchema = v.pipe(
  v.strictObject({
    ...ruleEntries,
    ref_id: v.pipe(v.string(), v.description("The customer's ref that gives the rule")),
    statistics: refStatisticsSchema,
  }),
  v.metadata({ ref: 'CustomerDiscount' }),
);

/** `DELETE /customers/{cid}/refs/{ref_id}` repeats the debit balance at the top level, as Dintero does. */
export const deletedCustomerDiscountSchema = v.pipe(
  v.strictObject({
    ...customerDiscountSchema.pipe[0].entries,
    debit_balance: v.pipe(v.number(), v.description('Deprecated by Dintero: the same as statistics.debit_balance')),
  }),
  v.metadata({ ref: 'DeletedCustomerDiscount' }),
);

/** `POST`/`DELETE /rules/{did}/customers`: the rule with its statistics, and the refs the call changed. */
export const ruleWithRefsSchema = v.pipe(
  v.strictObject({
    ...ruleSchema.pipe[0].entries,
    refs: v.pipe(v.array(refSchema), v.description('The refs this call gave (or took back), in request order')),
  }),
  v.metadata({ ref: 'RuleWithRefs' }),
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
  v.metadata({ ref: 'DiscountLedgerEntry', description: "One entry of a rule's usage ledger" }),
);
export type UsageEntry = v.InferOutput<typeof usageEntrySchema>;
