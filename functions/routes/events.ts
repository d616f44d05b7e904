import { Hono } from 'hono';
import * as v from 'valibot';
import { storeOf, type AppContext, type AppEnv } from '../app-env';
import { scopes, type Scope } from '../../shared/auth/scopes';
import { validationError } from '../../shared/errors';
import { parse } from '../../shared/schemas/parse';
import { documented, noContent } from '../openapi';
import { operation } from '../operation';
import { tokenSchema } from '../../shared/schemas/customer';
import { receiptSchema, type ReceiptInput } from '../../shared/schemas/receipt';
import { sha256Hex } from '../../shared/auth/crypto';
import { canonicalJson, isPlainObject } from '../../shared/json';
import { jsonBody } from '../validate';
import { codeGuessBlocked, countCodeMisses } from '../rate-limit';

/**
 * `POST /discounts/events`: the `event` header names what happened; each event is one entry of
 * `EVENTS` (its body schema and what it does). Adding an event = adding an entry.
 */
interface EventHandler<T = unknown> {
  /** The body as documented in OpenAPI. */
  body: v.GenericSchema;
  /** Validates the body (400 naming the field) and returns what `handle` takes. */
  parse: (raw: unknown) => T;
  /** A response of its own (a 429) or nothing for 204. */
  handle: (c: AppContext, body: T) => Promise<Response | undefined | void>;
}
const event = <S extends v.GenericSchema>(
  body: S,
  handle: (c: AppContext, body: v.InferOutput<S>) => Promise<void>,
): EventHandler => ({ body, parse: (raw) => parse(body, raw), handle }) as EventHandler;

const tokenEvent = v.strictObject({ token: tokenSchema });

/**
 * `receipt_add` takes Dintero's `Event` shape, `{"receipt": {...}}` (the receipt may carry Dintero's
 * `id`), or the bare receipt rabatt accepted first. A body with a `receipt` object and no
 * `receipt_id` of its own is the wrapped shape; its field errors name `receipt.<field>`.
 */
const wrappedReceipt = v.strictObject({ receipt: receiptSchema });
const isWrapped = (raw: unknown) =>
  isPlainObject(raw) && isPlainObject(raw.receipt) && !Object.hasOwn(raw, 'receipt_id');
const receiptEvent: EventHandler<ReceiptInput> = {
  body: v.union([wrappedReceipt, receiptSchema]),
  parse: (raw) => (isWrapped(raw) ? parse(wrappedReceipt, raw).receipt : parse(receiptSchema, raw)),
  // A completed receipt without an explicit claim: its stamps and usage count once per receipt id.
  // Codes it names count against the guessing limit like available_for_receipt's (docs/codes.md): a
  // blocked caller's receipt is not recorded; the receipt that reaches the limit is (204), the next is 429.
  handle: async (c, receipt) => {
    const names = receipt.discount_code?.length ?? 0;
    const blocked = names > 0 ? codeGuessBlocked(c) : undefined;
    if (blocked) return blocked;
    const { misses } = await storeOf(c).recordReceipt(receipt, c.get('caller').clientId);
    if (misses > 0) await countCodeMisses(c, misses);
    return undefined;
  },
};

/**
 * What makes a resent token event act once in automations: Dintero's `event-delivery` header (a
 * UUID per payload) when sent, else a hash of the event and its body. Receipts are keyed by store
 * and receipt id inside the store, whatever the header says.
 */
async function eventId(c: AppContext, body: unknown): Promise<string> {
  const delivery = c.req.header('event-delivery');
  if (delivery && delivery.length <= 255) return `delivery:${delivery}`;
  return `sha256:${await sha256Hex(`${c.req.header('event')}\n${canonicalJson(body)}`)}`;
}

const EVENTS: Record<string, EventHandler> = {
  token_add: event(tokenEvent, async (c, body) =>
    storeOf(c).addToken(body.token, await eventId(c, body), c.get('caller').clientId),
  ),
  token_remove: event(tokenEvent, async (c, body) =>
    storeOf(c).removeToken(body.token, await eventId(c, body), c.get('caller').clientId),
  ),
  receipt_add: receiptEvent as EventHandler,
};

const allowed: Scope[] = [...scopes.write('discounts'), 'write:discounts:/events'];

/**
 * Any JSON passes here; the handler checks it against its event's schema, documented as the union of
 * the distinct bodies (token_add and token_remove share one).
 */
const bodies = [...new Set(Object.values(EVENTS).map((e) => e.body))];
const eventBody = documented(jsonBody(v.unknown()), 'json', v.union(bodies));

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
      "wrapped as Dintero's Event `{receipt: {...}}` or bare, " +
      'evaluates it and records the stamps, usage and amounts it earns, once per `receipt_id`. Needs one of the ' +
      'scopes: ' +
      allowed.map((s) => `\`${s}\``).join(', ') +
      '. Each event also runs the automations listening to it (docs/automations.md).',
    scopes: allowed,
    parameters: [
      { name: 'event', in: 'header', required: true, schema: { type: 'string', enum: Object.keys(EVENTS) } },
      {
        name: 'event-delivery',
        in: 'header',
        required: false,
        description: 'An id for this payload (Dintero: a UUID); a token event resent with the same id acts once.',
        schema: { type: 'string', maxLength: 255 },
      },
    ],
    responses: { 204: noContent('Done') },
    errors: [429],
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
    return (await handler.handle(c, handler.parse(c.req.valid('json')))) ?? c.body(null, 204);
  },
);
