import { Hono } from 'hono';
import { storeOf, type AppEnv } from '../app-env';
import { scopes } from '../../shared/auth/scopes';
import * as v from 'valibot';
import {
  keptRuleId,
  ruleCreateQuerySchema,
  ruleCreateSchema,
  ruleListQuerySchema,
  ruleReadQuerySchema,
  ruleUpdateQuerySchema,
  ruleUpdateSchema,
  type Rule,
} from '../../shared/schemas/rule';
import { ok } from '../openapi';
import { operation } from '../operation';
import { listOf, totalCount } from '../paging';
import { didParam } from '../params';
import { exampleRule, exampleRuleInput } from '../../shared/schemas/examples';
import { ruleSchema } from '../../shared/schemas/responses';
import { jsonBody, queryOf } from '../validate';
import { fieldError, requireImportAdmin } from '../../shared/errors';

const { deleted_at: _da, deleted_by: _db, statistics: _st, ...liveRule } = exampleRule;
const tags = ['Discount rules'];
// The Durable Object stub's types lose the Rule shape (too deep for its RPC mapping); the typed
// client (hono/client) needs it back, hence the `as Rule` on answers.

export const rules = new Hono<AppEnv>()
  .get(
    '/',
    operation({
      tags,
      summary: 'List discount rules',
      description:
        'Filter by `state`, purchase range and `campaign_id` (repeat it for several); `include=statistics` adds ' +
        'usage figures. Page with `limit` and `starting_after`, or follow changes with `since_datetime`; ' +
        '`total=true` adds a `total-count` header.',
      scopes: scopes.read('discounts'),
      responses: { 200: listOf(ruleSchema, 'The rules, oldest first', [exampleRule]) },
    }),
    queryOf(ruleListQuerySchema),
    async (c) => {
      const { rules, total } = await storeOf(c).listRules(c.req.valid('query'));
      totalCount(c, total);
      return c.json(rules as Rule[]);
    },
  )
  .post(
    '/',
    operation({
      changesPublic: true,
      tags,
      summary: 'Create a discount rule',
      description:
        'A new rule is usable only once it is given to customers. Server-owned fields in the body are ignored. ' +
        'Additions to Dintero: `limitation.budget_amount`/`budget_usage` (docs/budgets.md), reward ' +
        '`discount_shipping` with `requirement.shipping_option_ids` (docs/shipping.md). For an import, ' +
        "`keep_id=true` (admin:discounts only) keeps the body's `id` (a UUID): 409 if a rule has it.",
      scopes: scopes.write('discounts'),
      requestExample: exampleRuleInput,
      responses: { 200: ok(ruleSchema, 'The stored rule', liveRule) },
      errors: [409],
    }),
    queryOf(ruleCreateQuerySchema),
    jsonBody(ruleCreateSchema),
    async (c) => {
      const input = c.req.valid('json');
      const { clientId, scopes: held } = c.get('caller');
      let id: string | undefined;
      if (c.req.valid('query').keep_id) {
        requireImportAdmin(held);
        const kept = v.safeParse(keptRuleId, input.id);
        if (!kept.success) throw fieldError('id', kept.issues[0].message);
        id = kept.output.toLowerCase();
      }
      return c.json((await storeOf(c).createRule(input, clientId, id)) as Rule);
    },
  )
  .get(
    '/:did',
    operation({
      tags,
      summary: 'Read a discount rule',
      description:
        'Deleted rules are still readable. The answer includes `statistics` (as Dintero documents); ' +
        '`include=statistics` is accepted and changes nothing. A rule with `limitation.budget_amount` or ' +
        '`budget_usage` also answers `budget`: used and left (docs/budgets.md).',
      scopes: scopes.read('discounts'),
      responses: { 200: ok(ruleSchema, 'The rule', { ...liveRule, statistics: exampleRule.statistics }) },
    }),
    didParam,
    queryOf(ruleReadQuerySchema),
    async (c) => c.json((await storeOf(c).getRule(c.req.valid('param').did, true)) as Rule),
  )
  .put(
    '/:did',
    operation({
      changesPublic: true,
      tags,
      summary: 'Update a discount rule',
      description:
        'Partial: fields left out keep their value and `requirement` merges over the stored one. `purchase_to` may ' +
        'only move later; `purchase_from` and `reward` may not change, except `reward.base`. `campaign_id: null` ' +
        'removes the campaign. Shortening `limitation.stamp_expire_days` so that unspent stamps would expire at once ' +
        'is 409 unless `expire_stamps=true`. A rule is at most 65536 bytes as JSON.',
      scopes: scopes.write('discounts'),
      requestExample: { name: 'Spar 150,-', requirement: { purchase_to: '2023-12-31T23:00:00Z' }, campaign_id: null },
      responses: {
        200: ok(ruleSchema, 'The updated rule, with its statistics', {
          ...liveRule,
          statistics: exampleRule.statistics,
        }),
      },
    }),
    didParam,
    queryOf(ruleUpdateQuerySchema),
    jsonBody(ruleUpdateSchema),
    async (c) => {
      const { did } = c.req.valid('param');
      const expireStamps = c.req.valid('query').expire_stamps ?? false;
      return c.json(
        (await storeOf(c).updateRule(did, c.req.valid('json'), c.get('caller').clientId, expireStamps)) as Rule,
      );
    },
  )
  .delete(
    '/:did',
    operation({
      changesPublic: true,
      tags,
      summary: 'Delete a discount rule',
      description: 'Soft delete: the rule keeps answering reads with `deleted_at` and `deleted_by` set.',
      scopes: scopes.write('discounts'),
      responses: { 200: ok(ruleSchema, 'The deleted rule', exampleRule) },
    }),
    didParam,
    async (c) => c.json((await storeOf(c).deleteRule(c.req.valid('param').did, c.get('caller').clientId)) as Rule),
  );
