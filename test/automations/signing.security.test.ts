import { createMessageBatch, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalUrl, signDelivery, verifyDelivery } from '../../shared/auth/delivery-signature';
import { consumeDeliveries, SIGNING_SECRET_PURPOSE } from '../../functions/deliveries';
import { open } from '../../shared/auth/secret-box';
import { SigningSecretStore } from '../../shared/store/signing-secret';
import { call, json } from '../helpers';
import { automationsApi, eventually, receipt, receiver, WINDOW } from './helpers';

let restore = () => {};
afterEach(() => restore());

const VECTOR = {
  secret: 'example-signing-secret',
  t: 1767225600,
  method: 'POST',
  url: 'HTTPS://CRM.Example.com:443/hooks/welcome?b=2&a=1#top',
  deliveryId: '5f0e9d8c-7b6a-4594-8382-716a5b4c3d2e',
  event: 'customer_add',
  body: '{"customers":["member-1001"]}',
};
const HEADER = 't=1767225600,v2-hmac-sha256=e5e0435713e7f7242b74e44b98c9c2c3402a59477891dbd631b01868994ca5cf';

describe('the delivery signature (issue 21, Low)', () => {
  it('matches the test vector in docs/automations.md: canonical URL, delivery id, event and time signed', async () => {
    const { secret, t, ...message } = VECTOR;
    expect(canonicalUrl(message.url)).toBe('https://crm.example.com/hooks/welcome?b=2&a=1');
    const header = await signDelivery(secret, message, t);
    expect(header).toBe(HEADER);
    // A receiver that canonicalises the URL verifies it.
    const seen = { ...message, url: 'https://crm.example.com/hooks/welcome?b=2&a=1' };
    expect(await verifyDelivery(header, secret, seen, t + 299)).toBe(true);
    expect(await verifyDelivery(header, secret, seen, t + 301)).toBe(false);
    // Replayed under another delivery id or event, or with another body or URL: refused.
    for (const change of [
      { deliveryId: crypto.randomUUID() },
      { event: 'customer_update' },
      { body: `${seen.body} ` },
      { url: `${seen.url}&c=3` },
      { method: 'PUT' },
    ]) {
      expect(await verifyDelivery(header, secret, { ...seen, ...change }, t), JSON.stringify(change)).toBe(false);
    }
  });

  it('a content_type with CR, LF or any control character is refused, naming the field', async () => {
    const api = await automationsApi('T44500001');
    for (const content_type of ['application/json\r\nX-Evil: 1', 'text/plain\n', 'a\u0000b', 'a\tb', 'a\u007fb']) {
      const res = await api.create({
        requirement: { events: ['customer_add'], ...WINDOW },
        actions: [{ type: 'http', url: 'https://crm.example.com/h', method: 'POST', content_type }],
      });
      expect(res.status, JSON.stringify(content_type)).toBe(400);
      expect(res.body.error.errors.map((e: { field: string }) => e.field)).toEqual(['actions.0.content_type']);
    }
  });
});

describe('a SECRETS_KEY rotation (issue 21, Medium 7)', () => {
  async function pendingDelivery(aid: string) {
    const api = await automationsApi(aid);
    const secret = await json(call('POST', `${api.base}/automations/signing_secret`, { token: api.token }));
    const mock = receiver(() => new Response(null, { status: 503 }));
    restore = mock.restore;
    const arid = await api.automation({
      requirement: { events: ['receipt_add'], ...WINDOW },
      actions: [{ type: 'http', url: 'https://crm.example.com/h', method: 'POST' }],
    });
    await api.event('receipt_add', receipt('rot-1', 'kari'));
    const first = await eventually(
      () => api.deliveries(arid),
      (d) => d.body[0]?.attempts.length === 1,
    );
    mock.restore();
    return { api, arid, secret: secret.body.secret as string, id: first.body[0].id as string };
  }
  const consume = async (aid: string, id: string, keys: Record<string, string | undefined>) => {
    const sent: Request[] = [];
    const batch = createMessageBatch('rabatt-deliveries', [
      { id: `m-${id}`, timestamp: new Date(), attempts: 2, body: { aid, delivery_id: id } },
    ]);
    await consumeDeliveries(batch as never, { ...env, ...keys } as never, async (req) => {
      sent.push(req);
      return new Response(null, { status: 204 });
    });
    return sent;
  };

  it('the signing secret opens with SECRETS_KEY_PREVIOUS and keeps signing', async () => {
    const { api, arid, secret, id } = await pendingDelivery('T44500002');
    const rotated = { SECRETS_KEY: 'a-new-secrets-key-after-rotation', SECRETS_KEY_PREVIOUS: env.SECRETS_KEY };
    const sent = await consume(api.aid, id, rotated);
    expect(sent).toHaveLength(1);
    const req = sent[0]!;
    const message = {
      method: req.method,
      url: req.url,
      deliveryId: req.headers.get('rabatt-delivery-id')!,
      event: req.headers.get('rabatt-event')!,
      body: await req.text(),
    };
    expect(await verifyDelivery(req.headers.get('rabatt-signature'), secret, message, Date.now() / 1000)).toBe(true);
    const [delivery] = (await api.deliveries(arid)).body;
    expect(delivery.status).toBe('succeeded');
    // Sealed again under the new key, so the previous one can go; who made it, and when, unchanged.
    const stored = await env.ACCOUNTS.getByName(api.aid).signingSecretStatus();
    expect(await open(rotated.SECRETS_KEY, SIGNING_SECRET_PURPOSE, stored!.sealed)).toBe(secret);
    expect(stored!.created_by).toBe('test-client');
  });

  it('a delivery that cannot be signed is a recorded failed attempt, retried, never a silent stall', async () => {
    const { api, arid, id } = await pendingDelivery('T44500003');
    const sent = await consume(api.aid, id, {
      SECRETS_KEY: 'a-key-that-never-sealed-it',
      SECRETS_KEY_PREVIOUS: undefined,
    });
    expect(sent).toHaveLength(0);
    const [delivery] = (await api.deliveries(arid)).body;
    expect(delivery.status).toBe('pending');
    expect(delivery.attempts).toHaveLength(2);
    expect(delivery.attempts[1]).toMatchObject({ attempt: 2, outcome: 'signing_error' });
    expect(delivery.next_attempt_at).toBeDefined();
  });

  it('a stored content type that cannot be a header is a failed attempt, never an endless delivery', async () => {
    const { api, arid, id } = await pendingDelivery('T44500004');
    // Written before control characters were refused (the API refuses them now).
    await runInDurableObject(env.ACCOUNTS.getByName(api.aid), (_object, state) => {
      state.storage.sql.exec('UPDATE deliveries SET content_type = ? WHERE id = ?', 'text/plain\r\nX-Evil: 1', id);
    });
    const sent = await consume(api.aid, id, {});
    expect(sent).toHaveLength(0);
    const [delivery] = (await api.deliveries(arid)).body;
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts[1]).toMatchObject({ attempt: 2, outcome: 'refused_request' });
  });

  it('resealRotated (the hourly cleanup runs it) re-seals a secret that no delivery used', async () => {
    const api = await automationsApi('T44500005');
    const secret = (await json(call('POST', `${api.base}/automations/signing_secret`, { token: api.token }))).body;
    const next = 'the-key-after-the-rotation-for-cleanup';
    const store = env.ACCOUNTS.getByName(api.aid);
    const resealed = await runInDurableObject(store, async (_object, state) => {
      const signing = new SigningSecretStore(state.storage.sql);
      // Without a rotation, or with a key that does not open it: nothing changes.
      expect(await signing.resealRotated({ current: env.SECRETS_KEY })).toBe(false);
      expect(await signing.resealRotated({ current: next, previous: 'not-the-key' })).toBe(false);
      return signing.resealRotated({ current: next, previous: env.SECRETS_KEY });
    });
    expect(resealed).toBe(true);
    const stored = await store.signingSecretStatus();
    expect(await open(next, SIGNING_SECRET_PURPOSE, stored!.sealed)).toBe(secret.secret);
    expect(stored!.created_at).toBe(secret.created_at);
  });
});
