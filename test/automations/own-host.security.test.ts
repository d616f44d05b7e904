import { createExecutionContext, createMessageBatch } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import worker from '../../functions/index';
import { automationsApi, eventually, receipt, receiver, WINDOW } from './helpers';

/** One queue message for the delivery, consumed with `extra` on top of the Worker's env. */
async function redeliverWith(extra: Record<string, string>, aid: string, deliveryId: string) {
  const batch = createMessageBatch('rabatt-deliveries', [
    { id: `m-${deliveryId}`, timestamp: new Date(), attempts: 2, body: { aid, delivery_id: deliveryId } },
  ]);
  await worker.queue(batch as never, { ...env, ...extra } as never, createExecutionContext());
}

const httpTo = (url: string) => ({
  requirement: { events: ['receipt_add'], ...WINDOW },
  limitation: { automation_repeat: -1 },
  actions: [{ type: 'http', url, method: 'POST', body: { store: '$.store.id' } }],
});

let restore = () => {};
afterEach(() => restore());

describe("rabatt's own hosts as receivers (RABATT_OWN_HOSTS)", () => {
  it('a delivery to one of our own hosts is refused at send time, without a call', async () => {
    const api = await automationsApi('T21700001');
    const mock = receiver(() => new Response(null, { status: 503 }));
    restore = mock.restore;
    // Written under another host name (the test's rabatt.test), so the write-time check cannot see it.
    const arid = await api.automation(httpTo('https://API.rabatt.example./hooks'));
    await api.event('receipt_add', receipt('own-1', 'kari'));
    const first = await eventually(
      () => api.deliveries(arid),
      (d) => d.body[0]?.attempts.length === 1,
    );
    expect(first.body[0].attempts[0]).toMatchObject({ outcome: 'http_error', response_code: 503 });
    expect(mock.seen).toHaveLength(1);

    // Another configured host only: still sent.
    await redeliverWith({ RABATT_OWN_HOSTS: 'other.rabatt.example' }, api.aid, first.body[0].id);
    expect(mock.seen).toHaveLength(2);
    // Configured (any case, a trailing dot, among others): refused, recorded, no call made.
    await redeliverWith({ RABATT_OWN_HOSTS: ' other.example , api.rabatt.example' }, api.aid, first.body[0].id);
    expect(mock.seen).toHaveLength(2);
    const [d] = (await api.deliveries(arid)).body;
    expect(d.attempts.at(-1)).toMatchObject({ outcome: 'refused_url', error: 'Expected a host other than rabatt' });
  });

  it('a configured own host is refused when the automation is written, whatever host the request used', async () => {
    const api = await automationsApi('T21700002');
    const { default: app } = await import('../../functions/index');
    const body = JSON.stringify(httpTo('https://api.rabatt.example/hooks'));
    const req = () =>
      new Request(`http://rabatt.test${api.base}/automations/rules`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
        body,
      });
    const ctx = createExecutionContext();
    const refused = await app.fetch(req(), { ...env, RABATT_OWN_HOSTS: 'api.rabatt.example' } as never, ctx);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain('actions.0.url');
    const allowed = await app.fetch(req(), { ...env, RABATT_OWN_HOSTS: 'other.rabatt.example' } as never, ctx);
    expect(allowed.status).toBe(200);
  });
});
