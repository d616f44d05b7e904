import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import worker from '../../functions/index';
import { DELIVERY_SIGNATURE_HEADER, verifyDelivery } from '../../shared/auth/delivery-signature';
import { call, json } from '../helpers';
import { automationsApi, eventually, receipt, receiver, WINDOW } from './helpers';

/** Hands one queue message for the delivery to the consumer, as the queue does on a retry. */
async function redeliver(aid: string, deliveryId: string, attempts: number) {
  const batch = createMessageBatch('rabatt-deliveries', [
    { id: `m-${deliveryId}-${attempts}`, timestamp: new Date(), attempts, body: { aid, delivery_id: deliveryId } },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch as never, env, ctx);
  return getQueueResult(batch, ctx);
}

/** Seconds between a pending delivery's last attempt and its next one. */
function waitAfterLastAttempt(d: { attempts: { at: string }[]; next_attempt_at?: string }): number {
  return (Date.parse(d.next_attempt_at!) - Date.parse(d.attempts.at(-1)!.at)) / 1000;
}

const httpAutomation = (url: string, extra: Record<string, unknown> = {}) => ({
  requirement: { events: ['receipt_add'], ...WINDOW },
  limitation: { automation_repeat: -1 },
  actions: [{ type: 'http', url, method: 'POST', body: { customers: ['$.customer_id'], store: '$.store.id' } }],
  ...extra,
});

let restore = () => {};
afterEach(() => restore());

describe('HTTP deliveries', () => {
  it('a receiver that fails twice then succeeds: three attempts logged, one success, signed calls', async () => {
    const api = await automationsApi('T44100001');
    const secret = await json(call('POST', `${api.base}/automations/signing_secret`, { token: api.token }));
    expect(secret.status).toBe(200);
    const mock = receiver((n) => new Response(null, { status: n <= 2 ? 503 : 204 }));
    restore = mock.restore;
    const arid = await api.automation(httpAutomation('https://crm.example.com/hooks/purchase'));
    expect((await api.event('receipt_add', receipt('d-1', 'kari'))).status).toBe(204);

    // The queue's consumer makes the first attempt; the 503 schedules a retry 30 s later.
    const first = await eventually(
      () => api.deliveries(arid),
      (d) => d.body[0]?.attempts.length === 1,
    );
    expect(first.body[0]).toMatchObject({ status: 'pending', event: 'receipt_add', event_id: 'receipt:sc029:d-1' });
    expect(first.body[0].attempts[0]).toMatchObject({ attempt: 1, outcome: 'http_error', response_code: 503 });
    expect(waitAfterLastAttempt(first.body[0])).toBe(30);
    const id = first.body[0].id;
    // The queue's later redeliveries, without waiting for the backoff.
    const second = await redeliver(api.aid, id, 2);
    expect(second.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual([`m-${id}-2`]);
    // Backoff: 30 s after the first failure, 120 s after the second (the queue holds the message).
    expect(waitAfterLastAttempt((await api.deliveries(arid)).body[0])).toBe(120);
    const third = await redeliver(api.aid, id, 3);
    expect(third.explicitAcks).toEqual([`m-${id}-3`]);
    expect(third.retryMessages).toEqual([]);

    const [delivery] = (await api.deliveries(arid)).body;
    expect(delivery.status).toBe('succeeded');
    expect(
      delivery.attempts.map((a: { outcome: string; response_code: number }) => [a.outcome, a.response_code]),
    ).toEqual([
      ['http_error', 503],
      ['http_error', 503],
      ['success', 204],
    ]);
    expect(delivery.next_attempt_at).toBeUndefined();
    // A duplicate message for a finished delivery is acknowledged without a call.
    expect((await redeliver(api.aid, id, 4)).explicitAcks).toEqual([`m-${id}-4`]);
    expect(mock.seen).toHaveLength(3);

    // Every call carries the body template filled from the event, and a signature that verifies.
    for (const seen of mock.seen) {
      expect(JSON.parse(seen.body)).toEqual({ customers: ['kari'], store: 'sc029' });
      expect(seen.headers.get('content-type')).toBe('application/json');
      expect(seen.headers.get('rabatt-delivery-id')).toBe(id);
      const header = seen.headers.get(DELIVERY_SIGNATURE_HEADER);
      const now = Date.now() / 1000;
      const signed = { method: 'POST', url: seen.url, deliveryId: id, event: 'receipt_add', body: seen.body };
      expect(await verifyDelivery(header, secret.body.secret, signed, now)).toBe(true);
      expect(await verifyDelivery(header, 'another-secret', signed, now)).toBe(false);
      expect(await verifyDelivery(header, secret.body.secret, { ...signed, body: `${seen.body} ` }, now)).toBe(false);
    }
    expect(mock.seen.map((s) => s.headers.get('rabatt-attempt'))).toEqual(['1', '2', '3']);
  });

  it('a receiver that answers 400 is not retried', async () => {
    const api = await automationsApi('T44100002');
    const mock = receiver(() => new Response('{"error":"no"}', { status: 400 }));
    restore = mock.restore;
    const arid = await api.automation(httpAutomation('https://crm.example.com/hooks/refuses'));
    await api.event('receipt_add', receipt('d-2', 'ola'));
    const done = await eventually(
      () => api.deliveries(arid),
      (d) => d.body[0]?.status !== 'pending' && d.body[0] !== undefined,
    );
    expect(done.body[0].status).toBe('failed');
    expect(done.body[0].attempts).toHaveLength(1);
    expect(done.body[0].attempts[0]).toMatchObject({ outcome: 'http_error', response_code: 400 });
    // No response body is kept.
    expect(JSON.stringify(done.body)).not.toContain('no"');
    expect((await redeliver(api.aid, done.body[0].id, 2)).retryMessages).toEqual([]);
    expect(mock.seen).toHaveLength(1);
    expect((await api.deliveries(arid, '?status=failed')).body).toHaveLength(1);
    expect((await api.deliveries(arid, '?status=pending')).body).toHaveLength(0);
    // The scheduled cleanup drops finished deliveries after retention_days (90 by default).
    const store = env.ACCOUNTS.getByName(api.aid);
    await store.cleanup(Date.now() + 89 * 86_400_000);
    expect((await api.deliveries(arid)).body).toHaveLength(1);
    await store.cleanup(Date.now() + 91 * 86_400_000);
    expect((await api.deliveries(arid)).body).toHaveLength(0);
  });

  it('network errors are retried with backoff until the fifth attempt, then the delivery is dead', async () => {
    const api = await automationsApi('T44100003');
    const mock = receiver(() => {
      throw new TypeError('connection refused');
    });
    restore = mock.restore;
    const arid = await api.automation(httpAutomation('https://down.example.com/hook'));
    await api.event('receipt_add', receipt('d-3', 'per'));
    const first = await eventually(
      () => api.deliveries(arid),
      (d) => d.body[0]?.attempts.length === 1,
    );
    const id = first.body[0].id;
    const delays = [waitAfterLastAttempt(first.body[0])];
    for (let attempt = 2; attempt <= 5; attempt++) {
      const result = await redeliver(api.aid, id, attempt);
      expect(result.retryMessages).toHaveLength(attempt < 5 ? 1 : 0);
      const [d] = (await api.deliveries(arid)).body;
      if (d.status === 'pending') delays.push(waitAfterLastAttempt(d));
    }
    expect(delays).toEqual([30, 120, 600, 3600]);
    const [dead] = (await api.deliveries(arid)).body;
    expect(dead.status).toBe('dead');
    expect(dead.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(Array(5).fill('network_error'));
    expect(mock.seen).toHaveLength(5);
  });

  it('without a secret asked for, calls are still signed; the status never shows the secret', async () => {
    const api = await automationsApi('T44100004');
    const before = await json(call('GET', `${api.base}/automations/signing_secret`, { token: api.token }));
    expect(before.body).toEqual({ configured: false });
    const mock = receiver(() => new Response(null, { status: 200 }));
    restore = mock.restore;
    const arid = await api.automation(httpAutomation('https://crm.example.com/hooks/x'));
    await api.event('receipt_add', receipt('d-4', 'siri'));
    await eventually(
      () => api.deliveries(arid),
      (d) => d.body[0]?.status === 'succeeded',
    );
    expect(mock.seen[0]!.headers.get(DELIVERY_SIGNATURE_HEADER)).toMatch(/^t=\d+,v2-hmac-sha256=[0-9a-f]{64}$/);
    const status = await json(call('GET', `${api.base}/automations/signing_secret`, { token: api.token }));
    expect(status.status).toBe(200);
    expect(Object.keys(status.body).sort()).toEqual(['configured', 'created_at', 'created_by']);
    expect(status.body).toMatchObject({ configured: true, created_by: 'rabatt' });
  });
});
