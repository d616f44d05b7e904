import { Hono } from 'hono';
import * as v from 'valibot';
import { storeOf, type AppEnv } from '../app-env';
import { scopes } from '../../shared/auth/scopes';
import { noContent, ok } from '../openapi';
import { operation } from '../operation';
import { listOf, totalCount } from '../paging';
import { customerSchema, merchantIdParam } from '../../shared/schemas/customer';
import {
  changeCustomerIdSchema,
  customerTagSchema,
  customerTokenCreateQuerySchema,
  customerTokenCreateSchema,
  customerTokenSchema,
  customerTokensQuerySchema,
  tagCreateSchema,
  tokenDetailSchema,
  tokenEventsDeleteSchema,
  tokenEventsEntrySchema,
  tokenEventsPostSchema,
  tokenEventsQuerySchema,
} from '../../shared/schemas/customer-api';
import { jsonBody, paramOf, queryOf } from '../validate';

/**
 * Dintero's Customers API around the customer (docs/customers.md): tokens, token events, the tag
 * registry, change_customer_id. Mounted at `/v1/accounts/{aid}/customers`.
 */
const tags = ['Customers'];
const read = scopes.read('customers');
const write = scopes.write('customers');
const idParam = merchantIdParam('Not found');
const customerParam = paramOf({ customer_id: idParam });
const token = { token_id: 'card-1', type: 'member_card', value: '7080001234567', metadata: { mask_pan: '**** 3477' } };
const tokenAnswer = { ...token, created_at: '2023-11-07T05:31:56.000Z', created_by: 'pos-client' };
const tag = { id: 'vip', tag: 'VIP', created_at: '2023-11-07T05:31:56.000Z', created_by: 'pos-client' };
const tagAnswer = { ...tag, updated_at: tag.created_at };
const tokenKey = { type: 'member_card', value: '7080001234567' };

export const customerApi = new Hono<AppEnv>()
  .get(
    '/users/:customer_id/tokens',
    operation({
      tags,
      summary: "List a customer's tokens",
      description:
        'Oldest first; `type` filters, `starting_after` is a `token_id`, `limit` 1–100. `include_deleted` is ' +
        'accepted and changes nothing: removed tokens are erased. A deleted customer has none.',
      scopes: read,
      responses: { 200: listOf(customerTokenSchema, 'The tokens', [tokenAnswer]) },
    }),
    customerParam,
    queryOf(customerTokensQuerySchema),
    async (c) => {
      const { tokens, total } = await storeOf(c).listCustomerTokens(
        c.req.valid('param').customer_id,
        c.req.valid('query'),
      );
      totalCount(c, total);
      return c.json(tokens);
    },
  )
  .post(
    '/users/:customer_id/tokens',
    operation({
      tags,
      summary: 'Add a token to a customer',
      description:
        'The same tokens `token_add` events write and receipts resolve. `token_id` is generated when absent. A ' +
        "token (type and value, or token_id) another customer holds is 409; the customer's own is replaced. " +
        '`delete_token_events=true` clears the token events of this type and value first.',
      scopes: write,
      responses: { 201: ok(customerTokenSchema, 'The stored token', tokenAnswer) },
      errors: [404, 409],
      requestExample: token,
    }),
    customerParam,
    queryOf(customerTokenCreateQuerySchema),
    jsonBody(customerTokenCreateSchema),
    async (c) =>
      c.json(
        await storeOf(c).createCustomerToken(
          c.req.valid('param').customer_id,
          c.req.valid('json'),
          c.req.valid('query').delete_token_events ?? false,
          c.get('caller').clientId,
        ),
        201,
      ),
  )
  .delete(
    '/users/:customer_id/tokens/:tid',
    operation({
      tags,
      summary: "Delete a customer's token",
      scopes: write,
      responses: { 200: ok(customerTokenSchema, 'The deleted token', tokenAnswer) },
      errors: [404],
    }),
    paramOf({ customer_id: idParam, tid: idParam }),
    async (c) => {
      const { customer_id, tid } = c.req.valid('param');
      return c.json(await storeOf(c).deleteCustomerToken(customer_id, tid));
    },
  )
  .get(
    '/users/:customer_id/tags',
    operation({
      tags,
      summary: "A customer's tags",
      scopes: read,
      responses: { 200: ok(v.array(customerTagSchema), 'The tags, as the registry has them', [tagAnswer]) },
      errors: [404],
    }),
    customerParam,
    async (c) => c.json(await storeOf(c).customerTags(c.req.valid('param').customer_id)),
  )
  .get(
    '/tokens/events',
    operation({
      tags,
      summary: 'List token events',
      description:
        'One entry per token type and value with events, oldest first: `starting_after` is an entry `id`; ' +
        '`since_datetime` follows changes instead; `deleted_since` keeps entries whose latest status is DELETED, ' +
        'changed at or after it.',
      scopes: read,
      responses: {
        200: ok(v.array(tokenEventsEntrySchema), 'The entries', [
          { id: '0b0e6f1c-1111-4c5e-9f8a-7b6c5d4e3f2a', status: 'OPT_OUT', events: [] },
        ]),
      },
    }),
    queryOf(tokenEventsQuerySchema),
    async (c) => c.json(await storeOf(c).listTokenEvents(c.req.valid('query'))),
  )
  .post(
    '/tokens/events',
    operation({
      tags,
      summary: 'Look a token up, and record an event on it',
      description:
        'Answers the customer holding the token (also one the registry does not have yet: then `customer` is ' +
        'absent), the token, its events and status. With `event` the event is recorded first. Needs a write scope ' +
        "(Dintero's).",
      scopes: write,
      responses: { 200: ok(tokenDetailSchema, 'The token detail') },
      requestExample: { token: tokenKey, event: { event: 'customer declined signup in store', status: 'OPT_OUT' } },
    }),
    jsonBody(tokenEventsPostSchema),
    async (c) => c.json(await storeOf(c).postTokenEvent(c.req.valid('json'))),
  )
  .delete(
    '/tokens/events',
    operation({
      tags,
      summary: "Clear a token's events",
      description: 'With `event`, records it as a DELETED event in their place. The token itself stays.',
      scopes: write,
      responses: { 204: noContent('Cleared') },
      requestExample: { token: tokenKey, event: { event: 'customer registered in webshop' } },
    }),
    jsonBody(tokenEventsDeleteSchema),
    async (c) => {
      await storeOf(c).deleteTokenEvents(c.req.valid('json'));
      return c.body(null, 204);
    },
  )
  .get(
    '/tags',
    operation({
      tags,
      summary: 'List tags',
      description: 'Every tag of the account (at most 1000), oldest first.',
      scopes: read,
      responses: { 200: ok(v.array(customerTagSchema), 'The tags', [tagAnswer]) },
    }),
    async (c) => c.json(await storeOf(c).listTags()),
  )
  .post(
    '/tags',
    operation({
      tags,
      summary: 'Create a tag',
      description: "`id` may be given (it is what customers' `tag_ids` hold); otherwise a UUID. A taken id is 409.",
      scopes: write,
      responses: { 200: ok(customerTagSchema, 'The tag', tagAnswer) },
      errors: [409],
      requestExample: { id: 'vip', tag: 'VIP' },
    }),
    jsonBody(tagCreateSchema),
    async (c) => c.json(await storeOf(c).createTag(c.req.valid('json'), c.get('caller').clientId)),
  )
  .delete(
    '/tags/:tag_id',
    operation({
      tags,
      summary: 'Delete a tag',
      description: 'Takes it off every customer carrying it.',
      scopes: write,
      responses: { 200: ok(customerTagSchema, 'The deleted tag', { ...tagAnswer, deleted_at: tag.created_at }) },
      errors: [404],
    }),
    paramOf({ tag_id: idParam }),
    async (c) => c.json(await storeOf(c).deleteTag(c.req.valid('param').tag_id, c.get('caller').clientId)),
  )
  .post(
    '/users/:customer_id/change_customer_id',
    operation({
      tags,
      summary: "Change a customer's customer_id",
      description:
        'The customer, its refs, ledger rows, claims, recorded receipts and tokens move to the new id in one ' +
        'transaction. A `dintero_change_customer_id_{ms}.{hash}` metadata entry records `old`, `new`, ' +
        '`created_at`, `created_by`. An id a customer, ref or claim already uses is 409. Needs `admin:customers`.',
      scopes: scopes.admin('customers'),
      responses: { 200: ok(customerSchema, 'The customer under its new id') },
      errors: [404, 409],
      requestExample: { customer_id: 'member-2002' },
    }),
    customerParam,
    jsonBody(changeCustomerIdSchema),
    async (c) =>
      c.json(
        await storeOf(c).changeCustomerId(
          c.req.valid('param').customer_id,
          c.req.valid('json').customer_id,
          c.get('caller').clientId,
        ),
      ),
  );
