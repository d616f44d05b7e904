import { describe, expect, it } from 'vitest';
import { BASE, call, json, ruleBody, tokenWith } from '../helpers';

/**
 * Issue 21 item 5: an `Authorization` header that does not authenticate must not lift the
 * anonymous limits, and the token limit counts per account and client (docs/security.md).
 */
const someIp = () => `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;
const basic = (id: string, secret: string) => `Basic ${btoa(`${id}:${secret}`)}`;

/**
 * Sends up to `max` requests in parallel batches (the limit counts per 10 s window, so a slow
 * machine must not spread them over several windows); the statuses, up to the batch with a 429.
 */
async function batchesUntilLimited(max: number, send: (i: number) => Promise<Response>, size = 110): Promise<number[]> {
  const statuses: number[] = [];
  for (let start = 0; start < max && !statuses.includes(429); start += size) {
    const batch = await Promise.all(
      Array.from({ length: size }, async (_, k) => {
        const res = await send(start + k);
        await res.body?.cancel();
        return res.status;
      }),
    );
    statuses.push(...batch);
  }
  return statuses;
}

async function publicAccount(aid: string) {
  const token = await tokenWith(['admin:discounts'], aid, 'merchant-backoffice');
  const rule = await json(call('POST', `/v1/accounts/${aid}/discounts/rules`, { token, body: ruleBody() }));
  expect(rule.status).toBe(200);
  const base = `/v1/accounts/${aid}/discounts/rules/${rule.body.id}/customers`;
  expect((await call('POST', base, { token, body: { customers: ['*'] } })).status).toBe(200);
  const settings = { public_offers: { anonymous: true } };
  expect((await call('PUT', `/v1/accounts/${aid}/settings`, { token, body: settings })).status).toBe(200);
}

describe('a header that does not authenticate is limited like no header', { timeout: 120_000 }, () => {
  const junk = ['Bearer junk', 'Basic Zm9vOmJhcg==', 'whatever', 'Bearer '];

  it('the public list: 150 requests with a junk Authorization header get 429 after the limit', async () => {
    const aid = 'T72150001';
    await publicAccount(aid);
    const ip = someIp();
    const statuses = await batchesUntilLimited(
      300,
      (i) =>
        call('GET', `/v1/accounts/${aid}/discounts/public/rules`, {
          headers: { 'cf-connecting-ip': ip, authorization: junk[i % junk.length]! },
        }),
      150,
    );
    expect(statuses, statuses.join(',')).toContain(429);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(100);
  });

  it('a token of another account, or one signed by someone else, does not lift the limit', async () => {
    const aid = 'T72150002';
    await publicAccount(aid);
    const ip = someIp();
    const elsewhere = await tokenWith(['public:discounts'], 'T72150099', 'storefront');
    const statuses = await batchesUntilLimited(
      300,
      (i) =>
        call('GET', `/v1/accounts/${aid}/discounts/public/rules`, {
          headers: { 'cf-connecting-ip': ip, authorization: i % 2 ? `Bearer ${elsewhere}` : 'Bearer x.y.z' },
        }),
      150,
    );
    expect(statuses, statuses.join(',')).toContain(429);
    // A real token of this account is still not counted against the anonymous limit.
    const token = await tokenWith(['public:discounts'], aid, 'storefront');
    const ok = await call('GET', `/v1/accounts/${aid}/discounts/public/rules`, {
      token,
      headers: { 'cf-connecting-ip': ip },
    });
    expect(ok.status).toBe(200);
  });

  it('checkout callbacks: any Authorization header is counted (callbacks never use tokens)', async () => {
    const aid = 'T72150003';
    const ip = someIp();
    const token = await tokenWith(undefined, aid);
    const statuses = await batchesUntilLimited(400, (i) =>
      call('GET', `/v1/accounts/${aid}/checkout/callback?transaction_id=${aid}.tx-${i}`, {
        headers: { 'cf-connecting-ip': ip, authorization: i % 2 ? `Bearer ${token}` : 'Bearer junk' },
      }),
    );
    expect(statuses, statuses.join(',')).toContain(429);
    expect(statuses.filter((s) => s !== 429).length).toBeGreaterThanOrEqual(100);
    // Per address and account: the same address calling another account is not limited.
    const other = await call('GET', `/v1/accounts/T72150004/checkout/callback?transaction_id=T72150004.tx`, {
      headers: { 'cf-connecting-ip': ip, authorization: 'Bearer junk' },
    });
    expect(other.status).not.toBe(429);
  });

  it('discount_codes callbacks with a junk header are counted too', async () => {
    const aid = 'T72150005';
    const ip = someIp();
    const statuses = await batchesUntilLimited(400, () =>
      call('POST', `/v1/accounts/${aid}/checkout/discount_codes`, {
        headers: { 'cf-connecting-ip': ip, authorization: 'Bearer junk' },
        body: {},
      }),
    );
    expect(statuses, statuses.join(',')).toContain(429);
  });
});

describe('the token limit counts per account and client', { timeout: 120_000 }, () => {
  const ask = (aid: string, id: string, secret: string) =>
    call('POST', `/v1/accounts/${aid}/auth/token`, {
      headers: { authorization: basic(id, secret), 'cf-connecting-ip': someIp() },
      body: { grant_type: 'client_credentials', audience: `${BASE}/v1/accounts/${aid}` },
    });

  it('one client id limited on one account still gets tokens on another', async () => {
    const clientId = crypto.randomUUID();
    const statuses = await batchesUntilLimited(60, (i) => ask('T72150011', clientId, `guess-${i}`), 15);
    expect(statuses, statuses.join(',')).toContain(429);
    // Right after: the same client id on other accounts is counted on its own.
    for (const aid of ['T72150012', 'T72150013']) {
      const res = await ask(aid, clientId, 'guess');
      expect(res.status, aid).toBe(401);
      await res.body?.cancel();
    }
    // And the limited account still refuses it.
    const again = await ask('T72150011', clientId, 'guess');
    expect(again.status).toBe(429);
    await again.body?.cancel();
  });
});
