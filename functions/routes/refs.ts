import { Hono } from 'hono';
import { storeOf, type AppEnv } from '../app-env';
import { scopes } from '../../shared/auth/scopes';
import { ok } from '../openapi';
import { exampleRule } from '../../shared/schemas/examples';
import {
  exampleDiscountUsage,
  exampleRef,
  exampleUsageEntry,
  exampleWildcardRef,
} from '../../shared/schemas/examples-customers';
import { operation } from '../operation';
import { listOf, totalCount } from '../paging';
import { didParam } from '../params';
import {
  refGiveSchema,
  refListQuerySchema,
  refSchema,
  refTakeSchema,
  ruleWithRefsSchema,
  usageEntrySchema,
  usageListQuerySchema,
} from '../../shared/schemas/ref';
import { discountUsageQuerySchema, discountUsageSchema } from '../../shared/schemas/usage';
import { jsonBody, queryOf } from '../validate';

const tags = ['Discount refs'];
const exampleGiven = { ...exampleRule, id: exampleRef.discount_id, refs: [exampleRef, exampleWildcardRef] };

/** `/discounts/rules/{did}/customers`: giving a rule to customers (refs, seed 000) and taking it back. */
export const ruleRefs = new Hono<AppEnv>()
  .get(
    '/',
    operation({
      tags,
      summary: 'List the refs of a discount rule',
      description:
        'Refs given to `*` or `/` list with `customer_id: null` (`kind` tells them apart). `state`: `all` (default), ' +
        '`available` (ref not deleted, rule active), `deleted`, `inactive` (ref not deleted, rule inactive). A ref ' +
        'stays available after its rule is deleted, but a deleted rule is never usable. Page with `limit` (1–1000) ' +
        'and `starting_after` (a ref id); `total=true` adds a `total-count` header.',
      scopes: scopes.read('discounts'),
      responses: {
        200: listOf(refSchema, 'The refs, oldest first', [exampleRef, exampleWildcardRef]),
      },
    }),
    didParam,
    queryOf(refListQuerySchema),
    async (c) => {
      const { refs, total } = await storeOf(c).listRefs(c.req.valid('param').did, c.req.valid('query'));
      totalCount(c, total);
      return c.json(refs);
    },
  )
  .post(
    '/',
    operation({
      changesPublic: true,
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
    didParam,
    jsonBody(refGiveSchema),
    async (c) =>
      c.json(await storeOf(c).giveRule(c.req.valid('param').did, c.req.valid('json'), c.get('caller').clientId)),
  )
  .delete(
    '/',
    operation({
      changesPublic: true,
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
    didParam,
    jsonBody(refTakeSchema),
    async (c) =>
      c.json(await storeOf(c).takeRule(c.req.valid('param').did, c.req.valid('json'), c.get('caller').clientId)),
  );

/** `/discounts/rules/{did}/usages`: Dintero's `DiscountUsage[]`, one entry per ref. */
export const ruleUsages = new Hono<AppEnv>().get(
  '/',
  operation({
    tags,
    summary: 'The usages of a discount rule, one entry per ref',
    description:
      "Dintero's `DiscountUsage[]`: every ref of the rule (deleted ones too) in the order they were given, each " +
      'with `usage_refs` (what each live claim, recorded receipt and `usage_ref` added) and its `statistics`; a ' +
      "`*` ref is one entry for every customer. Every row, released ones included, is in the rule's ledger " +
      '(`GET /discounts/rules/{did}/ledger`). Page with `limit` (1–1000) and `starting_after` (a `ref_id`); ' +
      '`total=true` adds a `total-count` header.',
    scopes: scopes.read('discounts'),
    responses: { 200: listOf(discountUsageSchema, 'One entry per ref, in ref order', [exampleDiscountUsage]) },
  }),
  didParam,
  queryOf(discountUsageQuerySchema),
  async (c) => {
    const { usages, total } = await storeOf(c).listUsages(c.req.valid('param').did, c.req.valid('query'));
    totalCount(c, total);
    return c.json(usages);
  },
);

/** `/discounts/rules/{did}/ledger`: the rule's usage ledger, one entry per row written (ours). */
export const ruleLedger = new Hono<AppEnv>().get(
  '/',
  operation({
    tags,
    summary: 'The usage ledger of a discount rule',
    description:
      'One entry per ref a claim, a `usage_ref` or a recorded receipt (`receipt_add`) touched, with what it added; a ' +
      "released claim's entries keep `released_at`. Filter by `ref_id` or `customer_id`; page with `limit` (1–1000) " +
      'and `starting_after` (an entry id); `total=true` adds a `total-count` header.',
    scopes: scopes.read('discounts'),
    responses: {
      200: listOf(usageEntrySchema, 'Ledger entries, oldest first', [exampleUsageEntry]),
    },
  }),
  didParam,
  queryOf(usageListQuerySchema),
  async (c) => {
    const { usages, total } = await storeOf(c).listLedger(c.req.valid('param').did, c.req.valid('query'));
    totalCount(c, total);
    return c.json(usages);
  },
);
