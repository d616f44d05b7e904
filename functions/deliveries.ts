import { canonicalUrl, signDelivery, DELIVERY_SIGNATURE_HEADER } from '../shared/auth/delivery-signature';
import { randomSecret } from '../shared/auth/crypto';
import { openRotating, seal } from '../shared/auth/secret-box';
import type { Env } from './env';
import type { DeliveryMessage } from '../shared/automations/delivery-message';
import type { AttemptResult, DeliveryToSend } from '../shared/store/contract';
import { accountClient, type AccountClient } from './account-client';
import { SIGNING_SECRET_PURPOSE } from '../shared/store/signing-secret';
import { configuredOwnHosts, refusedUrl } from '../shared/automations/url';

/** How long one call may take before it counts as a network error (and is retried). */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** The secret-box purpose of the delivery signing secret (docs/automations.md). */
export { SIGNING_SECRET_PURPOSE };

export type FetchLike = (input: Request) => Promise<Response>;

/**
 * The queue consumer (`queue` in functions/index.ts): one attempt per message. The account's object
 * says what to send and, after the attempt, whether to try again; the queue holds the message for
 * the backoff (`retry({delaySeconds})`). A message for a finished delivery (a duplicate: queues
 * deliver at least once) is acknowledged without a call.
 */
export async function consumeDeliveries(batch: MessageBatch<DeliveryMessage>, env: Env, send: FetchLike = fetch) {
  for (const message of batch.messages) {
    try {
      const retryInSeconds = await deliver(message.body, env, send);
      if (retryInSeconds === undefined) message.ack();
      else message.retry({ delaySeconds: retryInSeconds });
    } catch (err) {
      // Our own failure (the object unreachable): the queue retries the message; no attempt counted.
      console.error(JSON.stringify({ level: 'error', msg: 'delivery failed', error: String(err) }));
      message.retry({ delaySeconds: 60 });
    }
  }
}

async function deliver({ aid, delivery_id }: DeliveryMessage, env: Env, send: FetchLike) {
  const store = accountClient(env, aid);
  const delivery = await store.deliveryToSend(delivery_id);
  if (!delivery) return undefined;
  // Checked again at send time: the rule or the flag may have changed, and rabatt's own hosts are
  // refused here too (the automation may have been written under another of its host names).
  const refused = refusedUrl(delivery.url, env, configuredOwnHosts(env));
  const result: AttemptResult = refused
    ? { outcome: 'refused_url', error: refused, duration_ms: 0 }
    : await attempt(delivery, store, env, send);
  const { retryInSeconds } = await store.recordDeliveryAttempt(delivery_id, result);
  return retryInSeconds;
}

/** Signs and makes one call. Whatever goes wrong is an attempt's outcome, never a stalled delivery. */
async function attempt(
  delivery: DeliveryToSend,
  store: AccountClient,
  env: Env,
  send: FetchLike,
): Promise<AttemptResult> {
  const started = Date.now();
  const url = canonicalUrl(delivery.url);
  const body = delivery.body ?? '';
  const headers = new Headers({
    'rabatt-delivery-id': delivery.id,
    'rabatt-event': delivery.event,
    'rabatt-attempt': String(delivery.attempt),
    'user-agent': 'rabatt-automations/1',
  });
  try {
    // A content type stored before control characters were refused cannot go into a header.
    if (delivery.body !== null) headers.set('content-type', delivery.content_type);
  } catch {
    return { outcome: 'refused_request', error: 'content_type is not a valid header value', duration_ms: 0 };
  }
  try {
    const secret = await signingSecret(store, delivery.sealedSecret, env);
    const signed = { method: delivery.method, url, deliveryId: delivery.id, event: delivery.event, body };
    headers.set(DELIVERY_SIGNATURE_HEADER, await signDelivery(secret, signed, started / 1000));
  } catch (err) {
    // SECRETS_KEY missing or rotated without SECRETS_KEY_PREVIOUS: retried, so fixing the keys resumes it.
    const error = err instanceof Error ? err.message.slice(0, 200) : 'signing failed';
    console.error(JSON.stringify({ level: 'error', msg: 'delivery not signed', error }));
    return { outcome: 'signing_error', error, duration_ms: Date.now() - started };
  }
  try {
    const res = await send(
      new Request(url, {
        method: delivery.method,
        headers,
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      }),
    );
    await res.body?.cancel();
    const ok = res.status >= 200 && res.status < 300;
    return { outcome: ok ? 'success' : 'http_error', response_code: res.status, duration_ms: Date.now() - started };
  } catch (err) {
    const error = err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'network error';
    return { outcome: 'network_error', error, duration_ms: Date.now() - started };
  }
}

/**
 * The account's signing secret in the clear, opened with SECRETS_KEY or, during a rotation, with
 * SECRETS_KEY_PREVIOUS (then stored again sealed under SECRETS_KEY). An account that never asked
 * for one gets one now (every call is signed); the merchant reads a secret only by creating a new
 * one (POST /automations/signing_secret), so they should do that before their first HTTP automation.
 */
async function signingSecret(store: AccountClient, sealed: string | null, env: Env): Promise<string> {
  const keys = { current: env.SECRETS_KEY, previous: env.SECRETS_KEY_PREVIOUS };
  if (!sealed) {
    const fresh = await seal(env.SECRETS_KEY, SIGNING_SECRET_PURPOSE, randomSecret());
    sealed = (await store.setSigningSecret(fresh, 'rabatt', false)).sealed;
  }
  const { plaintext, resealed } = await openRotating(keys, SIGNING_SECRET_PURPOSE, sealed);
  if (resealed) await store.resealSigningSecret(sealed, resealed);
  return plaintext;
}
