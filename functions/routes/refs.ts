import { Hono } from 'hono';
import * as v from 'valibot';
import { storeOf, type AppEnv } from '../../shared/app-env';
import { guard } from '../../shared/auth/guard';
import { scopes } from '../../shared/auth/scopes';
import { doc, ok, totalCountHeader } from '../../shared/openapi';
import { uuidParam } from '../../shared/schemas/common';
import {
  refGiveSchema,
  refListQuerySchema,
  refSchema,
  refTakeSchema,
  ruleWithRefsSchema,
  usageEntrySchema,
  usageListQuerySchema,
} from '../../shared/schemas/ref';
import { exampleRule } from '../../shared/schemas/examples';
import { discountUsageQuerySchema, discountUsageSchema } from '../../shared/schemas/usage';
import { jsonBody, paramOf, queryOf } from '../../shared/validate';

const didParam = paramOf({ did: uuidParam('Discount rule') });
const tags = ['Discount refs'];

export const exampleRef = {
  id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
  discount_id: '5b7c1f4e-2a44-4d5e-9c1a-0d3f5e6a7b8c',
  customer_id: 'member-1001',
  kind: 'customer',
  created_at: '2023-11-07T05:31:56.000Z',
  created_by: '1c92f7e1-2897-4d46-bdcc-c127a914fb4e',
  updated_at: '2023-11-07T05:31:56.000Z',
  updated_by: '1c92f7e1-2897-4d46-bdcc-c127a914fb4e',
};
const exampleWildcardRef = { ...exampleRef, id: '8d3f1a2b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', customer_id: null, kind: '*' };
const exampleGiven = { ...exampleRule, id: exampleRef.discount_id, refs: [exampleRef, exampleWildcardRef] };

/** `/discounts/rules/{did}/customers`: giving a rule to customers (refs, seed 000) and taking it back. */
export const ruleRefs = new Hono<AppEnv>()
  .get(
    '/',
    doc({
      tags,
      summary: 'List the refs of a discount rule',
      description:
        'Refs given to `*` or `/` list with `customer_id: null` (`kind` tells them apart). `state`: `all` (default), ' +
        '`available` (ref not deleted, rule active), `deleted`, `inactive` (ref not deleted, rule inactive). A ref ' +
        'stays available after its rule is deleted, but a deleted rule is never usable. Page with `limit` (1–1000) ' +
        'and `starting_after` (a ref id); `total=true` adds a `total-count` header.',
      scopes: scopes.read('discounts'),
      responses: {
        200: ok(v.array(refSchema), 'The refs, oldest first', [exampleRef, exampleWildcardRef], totalCountHeader),
      },
    }),
    guard(scopes.read('discounts')),
    didParam,
    queryOf(refListQuerySchema),
    async (c) => {
      const { refs, total } = await storeOf(c).listRefs(c.req.valid('param').did, c.req.valid('query'));
      if (total !== undefined) c.header('total-count', String(total));
      return c.json(refs);
    },
  )
  .post(
    '/',
    doc({
      tags,
      summary: 'Give a discount rule to customers',
      description:
        'One ref per listed customer: `*` = every purchase with a customer, `/` = purchases without one, anything ' +
        'else one customer id (which need not be in the customer registry). With `offering_constraint_id`, a ' +
        'customer gets at most one ref for that id however often it is sent: the existing ref is answered. A deleted ' +
        'rule cannot be given (400). Answers the rule with its statistics (as Dintero) and `refs`: the refs, one ' +
        'per distinct customer, in the order given.',
      scopes: scopes.write('discounts'),
      requestExample: { customers: ['member-1001', '*'], offering_constraint_id: 'welcome-2024' },
      responses: { 200: ok(ruleWithRefsSchema, 'The rule with its statistics and the refs given', exampleGiven) },
    }),
    guard(scopes.write('discounts')),
    didParam,
    jsonBody(refGiveSchema),
    async (c) =>
      c.json(await storeOf(c).giveRule(c.req.valid('param').did, c.req.valid('json'), c.get('caller').clientId)),
  )
  .delete(
    '/',
    doc({
      tags,
      summary: 'Take a discount rule back from customers',
      description:
        "Deletes the listed customers' live refs of this rule; `*` deletes every live ref of the rule (all " +
        'customers, `*` and `/`), `/` the refs for purchases without a customer. Answers the rule with its ' +
        'statistics (as Dintero) and `refs`: the refs deleted by this call.',
      scopes: scopes.write('discounts'),
      requestExample: { customers: ['member-1001'] },
      responses: {
        200: ok(ruleWithRefsSchema, 'The rule with its statistics and the refs taken back', {
          ...exampleGiven,
          refs: [{ ...exampleRef, deleted_at: '2023-11-08T10:00:00.000Z', deleted_by: exampleRef.created_by }],
        }),
      },
    }),
    guard(scopes.write('discounts')),
    didParam,
    jsonBody(refTakeSchema),
    async (c) =>
      c.json(await storeOf(c).takeRule(c.req.valid('param').did, c.req.valid('json'), c.get('caller').clientId)),
  );

const exampleUsage = {
  id: exampleRef.id,
  ref_id: exampleRef.id,
  discount_id: exampleRef.discount_id,
  customer_id: 'member-1001',
  create_at: exampleRef.created_at,
  updated_at: '2023-11-07T05:31:57.000Z',
  created_by: exampleRef.created_by,
  usage_refs: [
    {
      ref: '7a1e5c9b-2f4d-4b8e-9c3a-1d2e3f4a5b6c',
      ref_type: 'claim',
      usage: 1,
      stamp: 0,
      amount: 10000,
      customer_id: 'member-1001',
      created_at: '2023-11-07T05:31:57.000Z',
      created_by: exampleRef.created_by,
    },
  ],
  statistics: {
    stamp: 0,
    current_stamp: 0,
    usage: 1,
    used: 1,
    purchases: 1,
    amount: 10000,
    bonus: 0,
    debit_balance: 0,
  },
};

/** `/discounts/rules/{did}/usages`: Dintero's `DiscountUsage[]`, one entry per ref. */
export const ruleUsages = new Hono<AppEnv>().get(
  '/',
  doc({
    tags,
    summary: 'The usages of a discount rule, one entry per ref',
    description:
      "Dintero's `DiscountUsage[]`: every ref of the rule (deleted ones too) in the order they were given, each " +
      'with `usage_refs` (what each live claim, recorded receipt and `usage_ref` added) and its `statistics`; a ' +
      "`*` ref is one entry for every customer. Every row, released ones included, is in the rule's ledger " +
      '(`GET /discounts/rules/{did}/ledger`). Page with `limit` (1–1000) and `starting_after` (a `ref_id`); ' +
      '`total=true` adds a `total-count` header.',
    scopes: scopes.read('discounts'),
    responses: {
      200: ok(v.array(discountUsageSchema), 'One entry per ref, in ref order', [exampleUsage], totalCountHeader),
    },
  }),
  guard(scopes.read('discounts')),
  didParam,
  queryOf(discountUsageQuerySchema),
  async (c) => {
    const { usages, total } = await storeOf(c).listUsages(c.req.valid('param').did, c.req.valid('query'));
    if (total !== undefined) c.header('total-count', String(total));
    return c.json(usages);
  },
);

/** `/discounts/rules/{did}/ledger`: the rule's usage ledger, one entry per row written (ours). */
export const ruleLedger = new Hono<AppEnv>().get(
  '/',
  doc({
    tags,
    summary: 'The usage ledger of a discount rule',
    description:
      'One entry per ref a claim, a `usage_ref` or a recorded receipt (`receipt_add`) touched, with what it added; a ' +
      "released claim's entries keep `released_at`. Filter by `ref_id` or `customer_id`; page with `limit` (1–1000) " +
      'and `starting_after` (an entry id); `total=true` adds a `total-count` header.',
    scopes: scopes.read('discounts'),
    responses: {
      200: ok(
        v.array(usageEntrySchema),
        'Ledger entries, oldest first',
        [
          {
            id: '0b6f0a4e-9d3b-4c83-a8a5-3d0f2a7f4c11',
            ref_id: exampleRef.id,
            discount_id: exampleRef.discount_id,
            customer_id: 'member-1001',
            source: 'claim',
            source_ref: '7a1e5c9b-2f4d-4b8e-9c3a-1d2e3f4a5b6c',
            usage: 1,
            amount: 10000,
            stamp: 0,
            debit: 0,
            purchase_at: '2023-11-07T05:31:56.000Z',
            created_at: '2023-11-07T05:31:57.000Z',
            created_by: exampleRef.created_by,
          },
        ],
        totalCountHeader,
      ),
    },
  }),
  guard(scopes.read('discounts')),
  didParam,
  queryOf(usageListQuerySchema),
  async (c) => {
    const { usages, total } = await storeOf(c).listLedger(c.req.valid('param').did, c.req.valid('query'));
    if (total !== undefined) c.header('total-count', String(total));
    return c.json(usages);
  },
);
