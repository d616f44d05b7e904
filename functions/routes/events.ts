import { Hono } from 'hono';
import * as v from 'valibot';
import { storeOf, type AppContext, type AppEnv } from '../app-env';
import { scopes, type Scope } from '../../shared/auth/scopes';
import { validationError } from '../../shared/errors';
import { parse } from '../../shared/schemas/parse';
import { documented, noContent } from '../openapi';
import { operation } from '../operation';
import { tokenSchema } from '../../shared/schemas/customer';
import { receiptSchema } from '../../shared/schemas/receipt';
import { jsonBody } from '../validate';

/**
 * `POST /discounts/events`: the `event` header names what happened; each event is one entry of
 * `EVENTS` (its body schema and what it does). Adding an event = adding an entry.
 */
interface EventHandler<S extends v.GenericSchema = v.GenericSchema> {
  body: S;
  handle: (c: AppContext, body: v.InferOutput<S>) => Promise<void>;
}
const event = <S extends v.GenericSchema>(body: S, handle: EventHandler<S>['handle']): EventHandler =>
  ({ body, handle }) as EventHandler;

const tokenEvent = v.strictObject({ token: tokenSchema });

const EVENTS: Record<string, EventHandler> = {
  token_add: event(tokenEvent, (c, { token }) => storeOf(c).addToken(token)),
  token_remove: event(tokenEvent, (c, { token }) => storeOf(c).removeToken(token)),
  // A completed receipt without an explicit claim: its stamps and usage count once per receipt id.
  receipt_add: event(receiptSchema, async (c, receipt) => {
    await storeOf(c).recordReceipt(receipt, c.get('caller').clientId);
  }),
};

const allowed: Scope[] = [...scopes.write('discounts'), 'write:discounts:/events'];

/** Any JSON passes here; the handler checks it against its event's schema (documented as the union). */
const eventBody = documented(jsonBody(v.unknown()), 'json', v.union(Object.values(EVENTS).map((e) => e.body)));

export const events = new Hono<AppEnv>().post(
  '/',
  operation({
    tags: ['Events'],
    summary: 'Report an event',
    description:
      `Header \`event\`: one of ${Object.keys(EVENTS)
        .map((e) => `\`${e}\``)
        .join(', ')}. ` +
      '`token_add` links `{token: {token_id?, type?, value, customer_id}}` to a customer; `token_remove` unlinks by ' +
      'token_id, or by value (and type). `receipt_add` takes a completed receipt (as for available_for_receipt), ' +
      'evaluates it and records the stamps, usage and amounts it earns, once per `receipt_id`. Needs one of the ' +
      'scopes: ' +
      allowed.map((s) => `\`${s}\``).join(', ') +
      '.',
    scopes: allowed,
    parameters: [
      { name: 'event', in: 'header', required: true, schema: { type: 'string', enum: Object.keys(EVENTS) } },
    ],
    responses: { 204: noContent('Done') },
    requestExample: {
      token: { token_id: 'card-1', type: 'member_card', value: '7080001234567', customer_id: 'member-1001' },
    },
  }),
  async (c, next) => {
    if (!Object.hasOwn(EVENTS, c.req.header('event') ?? '')) {
      throw validationError([
        {
          field: 'event',
          code: 'picklist',
          message: `Expected the event header to be one of: ${Object.keys(EVENTS).join(', ')}`,
        },
      ]);
    }
    await next();
  },
  eventBody,
  async (c) => {
    const handler = EVENTS[c.req.header('event')!]!;
    await handler.handle(c, parse(handler.body, c.req.valid('json')));
    return c.body(null, 204);
  },
);
