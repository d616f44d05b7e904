import { claimRefKey, writeClaimRef } from '../claim-refs';
import type { Claim } from '../../shared/schemas/claim';
import { Hono } from 'hono';
import { accountOf, afterResponse, storeOf, type AppContext, type AppEnv } from '../app-env';
import { scopes } from '../../shared/auth/scopes';
import { seal } from '../../shared/auth/secret-box';
import { SIGNATURE_HEADER } from '../../shared/auth/signature';
import { HttpError } from '../errors';
import { documented, ok } from '../openapi';
import { operation } from '../operation';
import { listOf, totalCount } from '../paging';
import {
  callbackAnswerSchema,
  callbackQuerySchema,
  callbackTransactionSchema,
  checkoutEventSchema,
  checkoutEventsQuerySchema,
  dinteroSessionSchema,
  discountCodesAnswerSchema,
  signaturePutSchema,
  signatureStatusSchema,
} from '../../shared/schemas/checkout';
import { SIGNATURE_PURPOSE, signatureNotConfigured } from '../../shared/store/checkout-callbacks';
import type { SignedCall } from '../../shared/store/contract';
import { isKnownAccount } from '../../shared/account-directory';
import { isDevelopment } from '../env';
import { isJsonMedia, jsonBody, queryOf } from '../validate';
import { codeGuessBlocked, countCodeMisses } from '../rate-limit';

/**
 * Dintero Checkout → rabatt (docs/checkout.md). The callbacks are called by Dintero, not with our
 * tokens: the account object checks their `Dintero-Signature` (or the unsigned-callbacks setting).
 */
const tags = ['Checkout'];
const admin = scopes.admin('discounts');
const read = scopes.read('discounts');

/**
 * The signed parts of the request, for the account object. A never-used account has no secret,
 * so its callbacks are refused here without creating its object (docs/security.md).
 */
async function signed(c: AppContext): Promise<SignedCall> {
  if (!(await isKnownAccount(c.env, accountOf(c)))) throw signatureNotConfigured();
  return {
    accountId: accountOf(c),
    method: c.req.method,
    url: c.req.url,
    signature: c.req.header(SIGNATURE_HEADER) ?? null,
    development: isDevelopment(c.env),
  };
}

const signatureParameter = {
  name: SIGNATURE_HEADER,
  in: 'header',
  required: false,
  description: '`t=<unix seconds>,v0-hmac-sha256=<hex>`; required once a signature secret is set',
  schema: { type: 'string' },
};
const CALLBACK_DESCRIPTION =
  'Called by Dintero Checkout, not with an access token. When the account has a signature secret, the ' +
  '`Dintero-Signature` header must be valid and at most 5 minutes old (401 otherwise); without a secret the call ' +
  'is refused (403) unless the setting `checkout.allow_unsigned_callbacks` is on and the Worker runs in local ' +
  'development (`RABATT_DEV=1`). At most 100 calls per 10 s per address and account (429 with Retry-After).';

/**
 * Callback bodies are not signed, so nothing here reads them: the raw text goes to the account
 * object as an opaque string, which checks the signature (or the unsigned-callbacks setting) first
 * and only then parses it (`parseCallbackBody`). A string crosses RPC whatever it holds, so a
 * hostile body (10,000 levels of nesting) cannot break the call before the signature is checked.
 */
const sessionBody = documented(
  async (_c: AppContext, next: () => Promise<void>) => next(),
  'json',
  dinteroSessionSchema,
);

/** The body as sent; `undefined` for a GET callback. */
async function rawBody(c: AppContext, requireJson: boolean): Promise<string | undefined> {
  if (c.req.method !== 'POST') return undefined;
  if (requireJson && !isJsonMedia(c.req.header('content-type'))) {
    throw new HttpError(415, 'unsupported_media_type', 'Send the body as application/json');
  }
  return c.req.text();
}

const callbackDoc = (method: 'GET' | 'POST') =>
  operation({
    tags,
    summary:
      method === 'GET'
        ? 'Transaction callback (Dintero url.callback_url)'
        : 'Transaction callback with the transaction in the body (method=POST)',
    description:
      'Authorised or captured: claims the discounts the session was shown (claim `ref` = `transaction_id`, so ' +
      'retries never claim twice). Only the signed `event` parameter releases: `VOID`, and a `REFUND` the body does ' +
      'not show to be partial. The unsigned body never releases; without `event` it can only hold a claim back. ' +
      '`error` callbacks claim nothing. 200 once handled (or already handled); 4xx can never succeed; 5xx is ' +
      'transient. ' +
      CALLBACK_DESCRIPTION,
    scopes: 'public',
    parameters: [signatureParameter],
    responses: { 200: ok(callbackAnswerSchema, 'What rabatt did') },
    errors: [401, 403, 404, 409, 429, 503],
  });

const callbackQuery = documented(
  async (_c: AppContext, next: () => Promise<void>) => next(),
  'query',
  callbackQuerySchema,
);
const transactionBody = documented(
  async (_c: AppContext, next: () => Promise<void>) => next(),
  'json',
  callbackTransactionSchema,
);

async function handleCallback(c: AppContext) {
  const query = Object.fromEntries(new URL(c.req.url).searchParams);
  const call = await signed(c);
  const answer = await storeOf(c).checkoutCallback(call, query, await rawBody(c, false), Date.now());
  // A VOID or refund released the claim whose ref is the transaction id: the edge copy of that ref
  // (docs/claims.md) must follow, or an API retry of the ref would see the claim unreleased.
  if (answer.outcome === 'released' && query.transaction_id) {
    const released = await storeOf(c).claimByRef(query.transaction_id);
    if (released) {
      const key = await claimRefKey(accountOf(c), query.transaction_id);
      await afterResponse(
        c,
        writeClaimRef(c.env.CLAIM_REFS, key, released.claim as Claim, released.bodyHash),
        'claim ref cache write',
      );
    }
  }
  return c.json(answer);
}

export const checkout = new Hono<AppEnv>()
  .get(
    '/signature',
    operation({
      tags,
      summary: 'Whether callbacks must be signed',
      scopes: admin,
      responses: { 200: ok(signatureStatusSchema, 'The secret is never returned') },
    }),
    async (c) => c.json(await storeOf(c).checkoutSignature()),
  )
  .put(
    '/signature',
    operation({
      tags,
      summary: 'Set the Dintero-Signature secret',
      description:
        'Stored encrypted; from now on every checkout callback must be signed with it. Needs the scope ' +
        '`admin:discounts`.',
      scopes: admin,
      responses: { 200: ok(signatureStatusSchema, 'Callbacks now need a signature') },
      errors: [503],
      requestExample: { secret: 'a-long-random-secret-from-dintero' },
    }),
    jsonBody(signaturePutSchema),
    async (c) => {
      const sealed = await seal(c.env.SECRETS_KEY, SIGNATURE_PURPOSE, c.req.valid('json').secret);
      return c.json(await storeOf(c).setCheckoutSecret(sealed, c.get('caller').clientId));
    },
  )
  .delete(
    '/signature',
    operation({
      tags,
      summary: 'Remove the Dintero-Signature secret',
      scopes: admin,
      responses: { 200: ok(signatureStatusSchema, 'No secret set') },
    }),
    async (c) => c.json(await storeOf(c).deleteCheckoutSecret()),
  )
  .post(
    '/discount_codes',
    operation({
      tags,
      summary: 'Express discount-code callback (Dintero express.discount_codes.callback_url)',
      description:
        'Receives the session, evaluates `order.items` with `order.discount_codes` and answers the order after ' +
        'discounts: unknown codes dropped, every item with its `discount_lines`, `amount` = the items after ' +
        'discounts plus the selected `order.shipping_option.amount`; `shipping_options` echoed at the top level. ' +
        'Remembers the evaluation for 24 h so the payment claims exactly what the shopper saw. ' +
        CALLBACK_DESCRIPTION,
      scopes: 'public',
      parameters: [signatureParameter],
      responses: { 200: ok(discountCodesAnswerSchema, 'The order after discounts, shipping options echoed') },
      errors: [401, 403, 409, 429, 503],
    }),
    sessionBody,
    async (c) => {
      const call = await signed(c);
      // Codes typed at checkout can be guessed like a receipt's: misses count per account and IP (docs/codes.md).
      const blocked = codeGuessBlocked(c);
      if (blocked) return blocked;
      const body = (await rawBody(c, true)) ?? '';
      const { answer, misses } = await storeOf(c).checkoutDiscountCodesCounted(call, body, Date.now());
      return (await countCodeMisses(c, misses)) ?? c.json(answer);
    },
  )
  .get('/callback', callbackDoc('GET'), callbackQuery, handleCallback)
  .post('/callback', callbackDoc('POST'), callbackQuery, transactionBody, handleCallback)
  .get(
    '/events',
    operation({
      tags,
      summary: 'Handled transaction callbacks, newest first',
      scopes: read,
      responses: { 200: listOf(checkoutEventSchema, 'Callback log entries') },
    }),
    queryOf(checkoutEventsQuerySchema),
    async (c) => {
      const { events, total } = await storeOf(c).listCheckoutEvents(c.req.valid('query'));
      totalCount(c, total);
      return c.json(events);
    },
  );
