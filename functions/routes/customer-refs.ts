import { Hono } from 'hono';
import * as v from 'valibot';
import { storeOf, type AppEnv, type Caller } from '../app-env';
import { hasAnyScope } from '../auth/guard';
import { HttpError } from '../errors';
import { scopes } from '../../shared/auth/scopes';
import { ok } from '../openapi';
import { operation } from '../operation';
import { listOf, totalCount } from '../paging';
import { keepIdQuery, uuidParam } from '../../shared/schemas/common';
import {
  customerDiscountSchema,
  customerRulesQuerySchema,
  deletedCustomerDiscountSchema,
  usageRefSchema,
} from '../../shared/schemas/ref';
import { fieldError, requireImportAdmin } from '../../shared/errors';
import { parse } from '../../shared/schemas/parse';
import { jsonBody, paramOf, queryOf } from '../validate';
import { exampleCustomerDiscount } from '../../shared/schemas/examples-customers';

const customerParam = v.pipe(v.string(), v.minLength(1, 'Customer not found'), v.maxLength(255, 'Customer not found'));
const customerOnly = paramOf({ customer_id: customerParam });
const customerAndRef = paramOf({ customer_id: customerParam, ref_id: uuidParam('Ref') });
const tags = ['Discount refs'];
/** Dintero: `admin:discounts`, `read:discounts`, `user:discounts` read a customer's discounts. */
const readCustomer = [...scopes.read('discounts'), 'user:discounts' as const];
const DELETED_REF =
  'A deleted ref answers 400 (code `ref_deleted`, Dintero\'s "Discount ref already deleted") when read, ' +
  'changed or deleted again.';

/**
 * A caller let in only by `user:discounts` reads only the customer its client is bound to
 * (docs/security.md); `admin:discounts` or `read:discounts` read anyone's.
 */
function boundToCustomer(caller: Caller, customerId: string): void {
  if (hasAnyScope(caller.scopes, scopes.read('discounts'))) return;
  if (caller.customerId !== customerId) {
    throw new HttpError(403, 'forbidden', "A user:discounts token reads only its own customer's discounts");
  }
}

/** `/discounts/customers/{customer_id}`: what one customer holds. */
export const customerRefs = new Hono<AppEnv>()
  .get(
    '/:customer_id/rules',
    operation({
      tags,
      summary: "A customer's usable discount rules",
      description:
        'The rules the customer holds through their own refs and `*` refs, each as stored (`id` is the rule) plus ' +
        "`ref_id` and the ref's `statistics` for this customer. Shows a rule from its `visible_from` (else its " +
        '`purchase_from`) until its `purchase_to`; leaves out deleted refs and rules, inactive rules, refs past ' +
        'their `dynamic_purchase_to_days` and refs used up under `discount_repeat_usage`. Paged by ref: `limit` ' +
        '(1–100), `starting_after` (a `ref_id`); `total=true` adds a `total-count` header.',
      scopes: readCustomer,
      responses: { 200: listOf(customerDiscountSchema, 'The rules, in ref order', [exampleCustomerDiscount]) },
    }),
    customerOnly,
    queryOf(customerRulesQuerySchema),
    async (c) => {
      boundToCustomer(c.get('caller'), c.req.valid('param').customer_id);
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
        "The rule the customer's own ref (or a `*` ref) gives, with `ref_id` and the ref's statistics for this " +
        'customer: `stamp` (stamps recorded, not released, not spent by a reward and not yet expired by the ' +
        'scheduled cleanup), `current_stamp` (of those, the ones that count now: not older than ' +
        '`stamp_expire_days`), `usage` (= `used`), `purchases`, `amount`, `bonus`, `debit_balance`. ' +
        DELETED_REF,
      scopes: scopes.read('discounts'),
      responses: { 200: ok(customerDiscountSchema, 'The rule with the ref', exampleCustomerDiscount) },
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
      changesPublic: true,
      tags,
      summary: 'Add stamps or usage to a ref',
      description:
        'Records `usage`, `stamp` and `amount` (each default 0) on the ref for this customer, as of now, in the ' +
        "rule's usage ledger. The same `usage_ref.ref` counts once per ref and customer: sending it again changes " +
        'nothing. Limits are not enforced here, but on a stamp card each `usage` spends `requirement.stamp` valid ' +
        "stamps (this entry's own included); fewer is a 400 on `usage_ref.usage`. Without `usage_ref` nothing " +
        'changes. For an import, `keep_id=true` (admin:discounts only) takes `usage_ref.purchase_at`, the time ' +
        'the source recorded it (stamps then expire counted from it). ' +
        DELETED_REF,
      scopes: scopes.write('discounts'),
      parameters: [{ name: 'keep_id', in: 'query', required: false, schema: { type: 'boolean' } }],
      requestExample: { usage_ref: { ref: 'visit-2024-05-01', ref_type: 'pos', stamp: 1 } },
      responses: {
        200: ok(customerDiscountSchema, 'The rule with the ref, after the change', exampleCustomerDiscount),
      },
    }),
    customerAndRef,
    jsonBody(usageRefSchema),
    async (c) => {
      const { customer_id, ref_id } = c.req.valid('param');
      const { usage_ref } = c.req.valid('json');
      // An import's source time (docs/api-decisions.md "Imports"): read here, so typed clients pass no query.
      if (usage_ref?.purchase_at !== undefined) {
        if (!parse(keepIdQuery, c.req.query()).keep_id)
          throw fieldError('usage_ref.purchase_at', 'Only with keep_id=true');
        requireImportAdmin(c.get('caller').scopes);
      }
      return c.json(await storeOf(c).addRefUsage(customer_id, ref_id, usage_ref, c.get('caller').clientId));
    },
  )
  .delete(
    '/:customer_id/refs/:ref_id',
    operation({
      changesPublic: true,
      tags,
      summary: "Delete one of a customer's refs",
      description:
        'Soft delete: the rule is no longer available to the customer through this ref. Answers the rule with ' +
        '`ref_id`, the statistics and (as Dintero) `debit_balance`. A `*` ref belongs to every customer and is ' +
        'taken back only through `DELETE /discounts/rules/{did}/customers` (400 here). ' +
        DELETED_REF,
      scopes: scopes.write('discounts'),
      responses: {
        200: ok(deletedCustomerDiscountSchema, 'The rule with the deleted ref', {
          ...exampleCustomerDiscount,
          debit_balance: 0,
        }),
      },
    }),
    customerAndRef,
    async (c) => {
      const { customer_id, ref_id } = c.req.valid('param');
      return c.json(await storeOf(c).deleteCustomerRef(customer_id, ref_id, c.get('caller').clientId));
    },
  );
