import { Hono } from 'hono';
import * as v from 'valibot';
import { storeOf, type AppEnv } from '../app-env';
import { scopes } from '../../shared/auth/scopes';
import { ok } from '../openapi';
import { operation } from '../operation';
import { listOf, totalCount } from '../paging';
import { uuidParam } from '../../shared/schemas/common';
import {
  customerRuleSchema,
  customerRulesQuerySchema,
  refWithStatisticsSchema,
  usageRefSchema,
} from '../../shared/schemas/ref';
import { jsonBody, paramOf, queryOf } from '../validate';
import { exampleRef, exampleRefWithStatistics } from '../../shared/schemas/examples';

const customerParam = v.pipe(v.string(), v.minLength(1, 'Customer not found'), v.maxLength(255, 'Customer not found'));
const customerOnly = paramOf({ customer_id: customerParam });
const customerAndRef = paramOf({ customer_id: customerParam, ref_id: uuidParam('Ref') });
const tags = ['Discount refs'];

/** `/discounts/customers/{customer_id}`: what one customer holds. */
export const customerRefs = new Hono<AppEnv>()
  .get(
    '/:customer_id/rules',
    operation({
      tags,
      summary: "A customer's usable discount rules",
      description:
        'The rules the customer holds through their own refs and `*` refs, each as stored plus `ref_id` and the ' +
        "ref's `statistics` for this customer. Leaves out deleted refs and rules, inactive rules, rules past " +
        "`purchase_to` or the ref's `dynamic_purchase_to_days`, and refs used up under `discount_repeat_usage`. " +
        'Paged by ref: `limit` (1–1000), `starting_after` (a ref id); `total=true` adds a `total-count` header.',
      scopes: scopes.read('discounts'),
      responses: { 200: listOf(customerRuleSchema, 'The rules, in ref order') },
    }),
    customerOnly,
    queryOf(customerRulesQuerySchema),
    async (c) => {
      const { rules, total } = await storeOf(c).customerRules(c.req.valid('param').customer_id, c.req.valid('query'));
      totalCount(c, total);
      return c.json(rules);
    },
  )
  .get(
    '/:customer_id/refs/:ref_id',
    operation({
      tags,
      summary: "Read one of a customer's refs",
      description:
        "The customer's own ref or a `*` ref, with its statistics for this customer: `stamp` (stamps recorded, not " +
        'released, not spent by a reward and not yet expired by the scheduled cleanup), `current_stamp` (of those, ' +
        'the ones that count now: not older than `stamp_expire_days`), `usage`, `amount`, `debit_balance`.',
      scopes: scopes.read('discounts'),
      responses: { 200: ok(refWithStatisticsSchema, 'The ref', exampleRefWithStatistics) },
    }),
    customerAndRef,
    async (c) => {
      const { customer_id, ref_id } = c.req.valid('param');
      return c.json(await storeOf(c).customerRef(customer_id, ref_id));
    },
  )
  .post(
    '/:customer_id/refs/:ref_id',
    operation({
      tags,
      summary: 'Add stamps or usage to a ref',
      description:
        'Records `usage`, `stamp` and `amount` (each default 0) on the ref for this customer, as of now, in the ' +
        "rule's usage ledger. The same `usage_ref.ref` counts once per ref and customer: sending it again changes " +
        'nothing. Limits are not enforced here, but on a stamp card each `usage` spends `requirement.stamp` valid ' +
        "stamps (this entry's own included); fewer is a 400 on `usage_ref.usage`.",
      scopes: scopes.write('discounts'),
      requestExample: { usage_ref: { ref: 'visit-2024-05-01', ref_type: 'pos', stamp: 1 } },
      responses: { 200: ok(refWithStatisticsSchema, 'The ref after the change', exampleRefWithStatistics) },
    }),
    customerAndRef,
    jsonBody(usageRefSchema),
    async (c) => {
      const { customer_id, ref_id } = c.req.valid('param');
      return c.json(
        await storeOf(c).addRefUsage(customer_id, ref_id, c.req.valid('json').usage_ref, c.get('caller').clientId),
      );
    },
  )
  .delete(
    '/:customer_id/refs/:ref_id',
    operation({
      tags,
      summary: "Delete one of a customer's refs",
      description:
        'Soft delete; deleting again answers the deleted ref. A `*` ref belongs to every customer and is taken back ' +
        'only through `DELETE /discounts/rules/{did}/customers` (400 here).',
      scopes: scopes.write('discounts'),
      responses: {
        200: ok(refWithStatisticsSchema, 'The deleted ref', {
          ...exampleRefWithStatistics,
          deleted_at: '2023-11-08T10:00:00.000Z',
          deleted_by: exampleRef.created_by,
        }),
      },
    }),
    customerAndRef,
    async (c) => {
      const { customer_id, ref_id } = c.req.valid('param');
      return c.json(await storeOf(c).deleteCustomerRef(customer_id, ref_id, c.get('caller').clientId));
    },
  );
