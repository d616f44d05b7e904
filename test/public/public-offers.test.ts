import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { forgetIsolateCache, isolateCacheSize } from '../../functions/public-cache';
import { call, json, ruleBody, tokenWith } from '../helpers';
import { iso } from '../../shared/time';

/**
 * The storefront's public rules list (docs/public-offers.md). Each test uses its own account:
 * storage and the edge cache persist for the whole file.
 */
const rulesPath = (aid: string) => `/v1/accounts/${aid}/discounts/rules`;
const publicPath = (aid: string, rest = '') => `/v1/accounts/${aid}/discounts/public/rules${rest}`;

async function admin(aid: string) {
  return tokenWith(['admin:discounts'], aid, 'merchant-backoffice');
}

async function createRule(aid: string, token: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await json(call('POST', rulesPath(aid), { token, body: ruleBody(overrides) }));
  expect(res.status).toBe(200);
  return res.body.id;
}

// Giving and taking back through the refs routes, with the merchant's own token.
async function give(aid: string, did: string, customers: string[]) {
  const res = await call('POST', `${rulesPath(aid)}/${did}/customers`, {
    token: await admin(aid),
    body: { customers },
  });
  expect(res.status).toBe(200);
}
async function takeBack(aid: string, did: string, customers: string[]) {
  const res = await call('DELETE', `${rulesPath(aid)}/${did}/customers`, {
    token: await admin(aid),
    body: { customers },
  });
  expect(res.status).toBe(200);
}

async function getPublic(
  aid: string,
  opts: { token?: string; query?: string; headers?: Record<string, string>; rest?: string } = {},
) {
  return json(
    call('GET', publicPath(aid, opts.rest ?? '') + (opts.query ? `?${opts.query}` : ''), {
      token: opts.token,
      headers: opts.headers,
    }),
  );
}

const names = (body: { name: string }[]) => body.map((r) => r.name).sort();

describe('what the public list shows', () => {
  it('only rules that are public, active, live, given to * or /, and visible now', async () => {
    const aid = 'T70000001';
    const token = await admin(aid);
    const shown = await createRule(aid, token, {
      name: 'shown',
      metadata: { 'dintero:exclude:public:kind': 'Gold', campaign_id: 'V101' },
    });
    const anonymousOnly = await createRule(aid, token, { name: 'anonymous purchases' });
    const teaser = await createRule(aid, token, {
      name: 'teaser',
      visible_from: '2020-01-01T00:00:00Z',
      requirement: { purchase_from: '2098-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' },
    });
    const hidden = {
      private: await createRule(aid, token, { name: 'private', private: true }),
      inactive: await createRule(aid, token, { name: 'inactive', active: false }),
      deleted: await createRule(aid, token, { name: 'deleted' }),
      future: await createRule(aid, token, {
        name: 'future',
        requirement: { purchase_from: '2098-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' },
      }),
      past: await createRule(aid, token, {
        name: 'past',
        requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2021-01-01T00:00:00Z' },
      }),
      notYetVisible: await createRule(aid, token, { name: 'not yet visible', visible_from: '2098-01-01T00:00:00Z' }),
      customerOnly: await createRule(aid, token, { name: 'one customer' }),
      expiredRef: await createRule(aid, token, { name: 'ref ran out', limitation: { dynamic_purchase_to_days: 1 } }),
    };
    await createRule(aid, token, { name: 'never given' });
    for (const did of [
      shown,
      teaser,
      hidden.private,
      hidden.inactive,
      hidden.deleted,
      hidden.future,
      hidden.past,
      hidden.notYetVisible,
      hidden.expiredRef,
    ]) {
      await give(aid, did, ['*']);
    }
    await give(aid, shown, ['/']); // given twice: listed once
    await give(aid, anonymousOnly, ['/']);
    await give(aid, hidden.customerOnly, ['cust-1']);
    await call('DELETE', `${rulesPath(aid)}/${hidden.deleted}`, { token });
    // The `*` ref of this rule was made three days ago (no API can backdate a ref), so its
    // `dynamic_purchase_to_days: 1` has run out.
    await runInDurableObject(env.ACCOUNTS.getByName(aid), (_o, state) => {
      state.storage.sql.exec(
        'UPDATE refs SET created_at = ? WHERE rule_id = ?',
        Date.now() - 3 * 86_400_000,
        hidden.expiredRef,
      );
      state.storage.sql.exec("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'content_version'");
    });

    const pub = await tokenWith(['public:discounts'], aid, 'storefront');
    const res = await getPublic(aid, { token: pub, query: 'limit=100' });
    expect(res.status).toBe(200);
    expect(names(res.body)).toEqual(['anonymous purchases', 'shown', 'teaser']);

    const rule = res.body.find((r: any) => r.name === 'shown');
    expect(rule.metadata).toEqual({ campaign_id: 'V101' });
    for (const field of ['statistics', 'created_by', 'updated_by', 'deleted_by', 'deleted_at'])
      expect(rule).not.toHaveProperty(field);
    expect(rule).toMatchObject({ id: shown, active: true, private: false, type: 'receipt' });
    expect(rule.ref_id).toMatch(/^[0-9a-f-]{36}$/);

    // The private metadata is still there for the merchant.
    const full = await json(call('GET', `${rulesPath(aid)}/${shown}`, { token }));
    expect(full.body.metadata).toEqual({ 'dintero:exclude:public:kind': 'Gold', campaign_id: 'V101' });

    const slash = await getPublic(aid, { token: pub, query: 'limit=100&no_customer_id=true' });
    expect(names(slash.body)).toEqual(['anonymous purchases', 'shown']);
    const both = await getPublic(aid, { token: pub, query: 'limit=100&no_customer_id=false' });
    expect(names(both.body)).toEqual(['anonymous purchases', 'shown', 'teaser']);

    const one = await getPublic(aid, { token: pub, rest: `/${shown}` });
    expect(one.status).toBe(200);
    expect(one.body.metadata).toEqual({ campaign_id: 'V101' });
    for (const did of Object.values(hidden)) {
      expect((await getPublic(aid, { token: pub, rest: `/${did}` })).status).toBe(404);
    }
    expect((await getPublic(aid, { token: pub, rest: '/not-a-uuid' })).status).toBe(404);
  });

  it('pages by ref_id and rejects bad queries', async () => {
    const aid = 'T70000002';
    const token = await admin(aid);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const did = await createRule(aid, token, { name: `offer ${i}` });
      await give(aid, did, ['*']);
      ids.push(did);
    }
    const pub = await tokenWith(['public:discounts'], aid);
    const first = await getPublic(aid, { token: pub, query: 'limit=2' });
    expect(first.body.map((r: any) => r.id)).toEqual(ids.slice(0, 2));
    const second = await getPublic(aid, { token: pub, query: `limit=2&starting_after=${first.body[1].ref_id}` });
    expect(second.body.map((r: any) => r.id)).toEqual(ids.slice(2, 4));
    const last = await getPublic(aid, { token: pub, query: `limit=2&starting_after=${second.body[1].ref_id}` });
    expect(last.body.map((r: any) => r.id)).toEqual(ids.slice(4));

    const unknown = await getPublic(aid, { token: pub, query: 'starting_after=nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.errors[0].field).toBe('starting_after');
    const tooMany = Array.from({ length: 51 }, (_, i) => `campaign_id=c${i}`).join('&');
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['no_customer_id=yes', 'no_customer_id'],
      ['state=all', 'state'],
      [tooMany, 'campaign_id'],
    ]) {
      const bad = await getPublic(aid, { token: pub, query });
      expect(bad.status).toBe(400);
      expect(bad.body.error.errors[0].field).toBe(field);
    }
  });

  it('filters by campaign, leaving out rules of private campaigns', async () => {
    const aid = 'T70000003';
    const token = await admin(aid);
    const campaigns = `/v1/accounts/${aid}/discounts/campaigns`;
    expect((await call('POST', campaigns, { token, body: { campaign_id: 'summer', name: 'Summer' } })).status).toBe(
      200,
    );
    expect(
      (await call('POST', campaigns, { token, body: { campaign_id: 'vip', name: 'VIP', private: true } })).status,
    ).toBe(200);
    for (const [name, campaign_id] of [
      ['summer offer', 'summer'],
      ['vip offer', 'vip'],
      ['loose offer', undefined],
    ] as const) {
      await give(aid, await createRule(aid, token, { name, campaign_id }), ['*']);
    }
    const pub = await tokenWith(['public:discounts'], aid);
    expect(names((await getPublic(aid, { token: pub })).body)).toEqual(['loose offer', 'summer offer', 'vip offer']);
    expect(names((await getPublic(aid, { token: pub, query: 'campaign_id=summer&campaign_id=vip' })).body)).toEqual([
      'summer offer',
    ]);
    expect(names((await getPublic(aid, { token: pub, query: 'campaign_id=vip' })).body)).toEqual([]);

    // Making the campaign public is a write: the very next request sees it.
    await call('PUT', `${campaigns}/vip`, { token, body: { private: false } });
    const after = await getPublic(aid, { token: pub, query: 'campaign_id=vip&campaign_id=summer' });
    expect(after.headers.get('x-rabatt-cache')).toBe('miss');
    expect(names(after.body)).toEqual(['summer offer', 'vip offer']);
  });

  it("never shows another account's rules", async () => {
    const [a, b] = ['T70000004', 'T70000005'];
    const tokenA = await admin(a);
    await give(a, await createRule(a, tokenA, { name: 'only in A' }), ['*']);
    const pubA = await tokenWith(['public:discounts'], a);
    const pubB = await tokenWith(['public:discounts'], b);
    expect(names((await getPublic(a, { token: pubA })).body)).toEqual(['only in A']);
    const other = await getPublic(b, { token: pubB });
    expect(other.status).toBe(200);
    expect(other.body).toEqual([]);
    expect(other.headers.get('x-rabatt-cache')).toBe('miss');
    // A token of A cannot read B's list, even though B's is cached now.
    expect((await getPublic(b, { token: pubA })).status).toBe(403);
  });
});

describe('edge cache', () => {
  it('second request is a hit; If-None-Match gives 304; writes make the next request a miss', async () => {
    const aid = 'T70000011';
    const token = await admin(aid);
    const keep = await createRule(aid, token, { name: 'keep' });
    const edit = await createRule(aid, token, { name: 'edit me' });
    const remove = await createRule(aid, token, { name: 'delete me' });
    const ungive = await createRule(aid, token, { name: 'take me back' });
    for (const did of [keep, edit, remove, ungive]) await give(aid, did, ['*']);
    const pub = await tokenWith(['public:discounts'], aid);

    const first = await getPublic(aid, { token: pub });
    expect(first.headers.get('x-rabatt-cache')).toBe('miss');
    // With a token the answer is the caller's (docs/security.md): private, same max-age.
    expect(first.headers.get('cache-control')).toBe('private, max-age=30');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(names(first.body)).toEqual(['delete me', 'edit me', 'keep', 'take me back']);

    const second = await getPublic(aid, { token: pub });
    expect(second.headers.get('x-rabatt-cache')).toBe('hit');
    expect(second.headers.get('etag')).toBe(etag);
    expect(second.body).toEqual(first.body);

    const notModified = await call('GET', publicPath(aid), { token: pub, headers: { 'if-none-match': etag } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('x-rabatt-cache')).toBe('hit');
    expect(notModified.headers.get('etag')).toBe(etag);
    expect(await notModified.text()).toBe('');
    expect(
      (await call('GET', publicPath(aid), { token: pub, headers: { 'if-none-match': `W/${etag}, "other"` } })).status,
    ).toBe(304);
    expect((await call('GET', publicPath(aid), { token: pub, headers: { 'if-none-match': '"other"' } })).status).toBe(
      200,
    );

    // Each withdrawal: the very next request is a miss that no longer shows the rule.
    const withdrawals: [string, () => Promise<unknown>][] = [
      ['edit me', () => call('PUT', `${rulesPath(aid)}/${edit}`, { token, body: { private: true } })],
      ['delete me', () => call('DELETE', `${rulesPath(aid)}/${remove}`, { token })],
      ['take me back', () => takeBack(aid, ungive, ['*'])],
    ];
    let lastEtag = etag;
    for (const [name, withdraw] of withdrawals) {
      await withdraw();
      const next = await call('GET', publicPath(aid), { token: pub, headers: { 'if-none-match': lastEtag } });
      expect(next.status).toBe(200);
      expect(next.headers.get('x-rabatt-cache')).toBe('miss');
      const body = (await next.json()) as { name: string }[];
      expect(body.map((r) => r.name)).not.toContain(name);
      lastEtag = next.headers.get('etag')!;
      expect((await getPublic(aid, { token: pub })).headers.get('x-rabatt-cache')).toBe('hit');
    }
    expect(names((await getPublic(aid, { token: pub })).body)).toEqual(['keep']);

    // An edit that stays public shows the new text at once.
    await call('PUT', `${rulesPath(aid)}/${keep}`, { token, body: { description: 'Now 20% off' } });
    const edited = await getPublic(aid, { token: pub });
    expect(edited.headers.get('x-rabatt-cache')).toBe('miss');
    expect(edited.body[0].description).toBe('Now 20% off');
  });

  it('a write that does not change the answer keeps the ETag (304 after a miss)', async () => {
    const aid = 'T70000012';
    const token = await admin(aid);
    await give(aid, await createRule(aid, token, { name: 'public' }), ['*']);
    const pub = await tokenWith(['public:discounts'], aid);
    const first = await getPublic(aid, { token: pub });
    await createRule(aid, token, { name: 'private one', private: true });
    const after = await call('GET', publicPath(aid), {
      token: pub,
      headers: { 'if-none-match': first.headers.get('etag')! },
    });
    expect(after.status).toBe(304);
    expect(after.headers.get('x-rabatt-cache')).toBe('miss');
  });

  it('the cache key holds no token: any caller, or none, shares one entry', async () => {
    const aid = 'T70000013';
    const token = await admin(aid);
    await give(aid, await createRule(aid, token, { name: 'offer' }), ['/']);
    await call('PUT', `/v1/accounts/${aid}/settings`, { token, body: { public_offers: { anonymous: true } } });
    const viaPublicScope = await getPublic(aid, { token: await tokenWith(['public:discounts'], aid, 'shop-a') });
    expect(viaPublicScope.headers.get('x-rabatt-cache')).toBe('miss');
    const viaReadScope = await getPublic(aid, { token: await tokenWith(['read:discounts'], aid, 'shop-b') });
    expect(viaReadScope.headers.get('x-rabatt-cache')).toBe('hit');
    const anonymous = await getPublic(aid);
    expect(anonymous.headers.get('x-rabatt-cache')).toBe('hit');
    expect(anonymous.body).toEqual(viaPublicScope.body);
    // Equal questions spelled differently share the entry too.
    expect((await getPublic(aid, { query: 'limit=10&no_customer_id=false' })).headers.get('x-rabatt-cache')).toBe(
      'hit',
    );
  });

  it('one rule by id is cached and withdrawn like the list', async () => {
    const aid = 'T70000014';
    const token = await admin(aid);
    const did = await createRule(aid, token, { name: 'single' });
    await give(aid, did, ['*']);
    const pub = await tokenWith(['public:discounts'], aid);
    expect((await getPublic(aid, { token: pub, rest: `/${did}` })).headers.get('x-rabatt-cache')).toBe('miss');
    const hit = await getPublic(aid, { token: pub, rest: `/${did}` });
    expect(hit.headers.get('x-rabatt-cache')).toBe('hit');
    expect(hit.body.name).toBe('single');
    await call('PUT', `${rulesPath(aid)}/${did}`, { token, body: { active: false } });
    expect((await getPublic(aid, { token: pub, rest: `/${did}` })).status).toBe(404);
  });

  it('an offer whose window closes leaves the list without any write', async () => {
    const aid = 'T70000015';
    const token = await admin(aid);
    const now = Date.now();
    await give(aid, await createRule(aid, token, { name: 'lasting' }), ['*']);
    await give(
      aid,
      await createRule(aid, token, {
        name: 'ending soon',
        requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: iso(now + 1500) },
      }),
      ['*'],
    );
    const pub = await tokenWith(['public:discounts'], aid);
    const before = await getPublic(aid, { token: pub });
    expect(names(before.body)).toEqual(['ending soon', 'lasting']);
    // Browsers may not keep it past the change either.
    expect(Number(before.headers.get('cache-control')!.split('=')[1])).toBeLessThanOrEqual(1);
    expect((await getPublic(aid, { token: pub })).headers.get('x-rabatt-cache')).toBe('hit');
    await new Promise((r) => setTimeout(r, Math.max(0, now + 1600 - Date.now())));
    const after = await getPublic(aid, { token: pub });
    expect(after.headers.get('x-rabatt-cache')).toBe('miss');
    expect(names(after.body)).toEqual(['lasting']);
  });

  it('the edge layer alone serves a hit when this isolate has forgotten the entry', async () => {
    const aid = 'T70000018';
    const token = await admin(aid);
    await give(aid, await createRule(aid, token, { name: 'edge' }), ['*']);
    const pub = await tokenWith(['public:discounts'], aid);
    const miss = await getPublic(aid, { token: pub });
    expect(miss.headers.get('x-rabatt-cache')).toBe('miss');
    forgetIsolateCache();
    expect(isolateCacheSize()).toBe(0);
    const hit = await getPublic(aid, { token: pub });
    expect(hit.headers.get('x-rabatt-cache')).toBe('hit');
    expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'));
    expect(hit.body).toEqual(miss.body);
    expect(isolateCacheSize()).toBe(1);
  });

  it('sends the body gzipped to clients that accept it', async () => {
    const aid = 'T70000019';
    const token = await admin(aid);
    await give(aid, await createRule(aid, token, { name: 'zipped' }), ['*']);
    const pub = await tokenWith(['public:discounts'], aid);
    for (const outcome of ['miss', 'hit']) {
      const res = await call('GET', publicPath(aid), { token: pub, headers: { 'accept-encoding': 'br, gzip;q=0.8' } });
      expect(res.headers.get('x-rabatt-cache')).toBe(outcome);
      expect(res.headers.get('content-encoding')).toBe('gzip');
      expect(res.headers.get('vary')).toContain('Accept-Encoding');
      // workerd's in-process fetch undoes the encoding for the caller (as a browser would); the
      // bytes on the wire are checked by bench/public.bench.mjs, which reads the raw socket.
      const raw = new Uint8Array(await res.arrayBuffer());
      const text =
        raw[0] === 0x1f && raw[1] === 0x8b
          ? await new Response(new Response(raw).body!.pipeThrough(new DecompressionStream('gzip'))).text()
          : new TextDecoder().decode(raw);
      expect(JSON.parse(text).map((r: any) => r.name)).toEqual(['zipped']);
    }
    const refused = await call('GET', publicPath(aid), { token: pub, headers: { 'accept-encoding': 'gzip;q=0' } });
    expect(refused.headers.get('content-encoding')).toBeNull();
    expect(((await refused.json()) as any[])[0].name).toBe('zipped');
  });

  it('max_age follows the settings', async () => {
    const aid = 'T70000016';
    const token = await admin(aid);
    await call('PUT', `/v1/accounts/${aid}/settings`, { token, body: { public_offers: { max_age: 300 } } });
    const res = await getPublic(aid, { token: await tokenWith(['public:discounts'], aid) });
    expect(res.headers.get('cache-control')).toBe('private, max-age=300');
  });

  it('parallel first requests all answer the same list', async () => {
    const aid = 'T70000017';
    const token = await admin(aid);
    for (let i = 0; i < 3; i++) await give(aid, await createRule(aid, token, { name: `p${i}` }), ['*']);
    const pub = await tokenWith(['public:discounts'], aid);
    const answers = await Promise.all(Array.from({ length: 20 }, () => getPublic(aid, { token: pub })));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(names(a.body)).toEqual(['p0', 'p1', 'p2']);
    }
    expect(new Set(answers.map((a) => a.headers.get('etag'))).size).toBe(1);
  });
});

describe('access and CORS', () => {
  it('without a token: 401 while anonymous access is off, 200 once it is on', async () => {
    const aid = 'T70000021';
    const token = await admin(aid);
    await give(aid, await createRule(aid, token, { name: 'offer' }), ['*']);
    const off = await getPublic(aid, { headers: { origin: 'https://shop.example.com' } });
    expect(off.status).toBe(401);
    expect(off.body.error.code).toBe('unauthorized');

    const put = await json(
      call('PUT', `/v1/accounts/${aid}/settings`, {
        token,
        body: { public_offers: { anonymous: true, allowed_origins: ['https://shop.example.com'] } },
      }),
    );
    expect(put.status).toBe(200);

    const allowed = await getPublic(aid, { headers: { origin: 'https://shop.example.com' } });
    expect(allowed.status).toBe(200);
    expect(names(allowed.body)).toEqual(['offer']);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('x-rabatt-cache');
    expect(allowed.headers.get('vary')).toContain('Origin');

    const other = await getPublic(aid, { headers: { origin: 'https://evil.example.net' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('x-rabatt-cache')).toBe('hit');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    // Turning it off again applies on the very next request, cache or not.
    await call('PUT', `/v1/accounts/${aid}/settings`, { token, body: { public_offers: { anonymous: false } } });
    expect((await getPublic(aid)).status).toBe(401);
    // An error for an allowed origin is still readable by the storefront.
    const denied = await getPublic(aid, { headers: { origin: 'https://shop.example.com' } });
    expect(denied.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    const badToken = await getPublic(aid, { token: 'not-a-jwt', headers: { origin: 'https://shop.example.com' } });
    expect(badToken.status).toBe(401);
    expect(badToken.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const aid = 'T70000022';
    const token = await admin(aid);
    await call('PUT', `/v1/accounts/${aid}/settings`, {
      token,
      body: { public_offers: { anonymous: true, allowed_origins: ['https://shop.example.com'] } },
    });
    const preflight = (origin: string, rest = '') =>
      call('OPTIONS', publicPath(aid, rest), {
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    const ok = await preflight('https://shop.example.com');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(ok.headers.get('access-control-allow-methods')).toContain('GET');
    expect(ok.headers.get('access-control-allow-headers')).toContain('Authorization');
    const one = await preflight('https://shop.example.com', '/3c90c3cc-0d44-4b50-8888-8dd25736052a');
    expect(one.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    const no = await preflight('https://evil.example.net');
    expect(no.status).toBe(204);
    expect(no.headers.get('access-control-allow-origin')).toBeNull();
    expect(no.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('`*` in allowed_origins lets any origin read', async () => {
    const aid = 'T70000023';
    const token = await admin(aid);
    await call('PUT', `/v1/accounts/${aid}/settings`, {
      token,
      body: { public_offers: { anonymous: true, allowed_origins: ['*'] } },
    });
    const res = await getPublic(aid, { headers: { origin: 'https://anywhere.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('tokens: public, read or admin scope; others 403; bad token 401 even when anonymous is on', async () => {
    const aid = 'T70000024';
    const token = await admin(aid);
    for (const scope of ['public:discounts', 'read:discounts', 'admin:discounts'] as const) {
      expect((await getPublic(aid, { token: await tokenWith([scope], aid) })).status).toBe(200);
    }
    const wrong = await getPublic(aid, { token: await tokenWith(['write:discounts', 'read:customers'], aid) });
    expect(wrong.status).toBe(403);
    await call('PUT', `/v1/accounts/${aid}/settings`, { token, body: { public_offers: { anonymous: true } } });
    expect((await getPublic(aid, { token: 'not-a-jwt' })).status).toBe(401);
    expect((await getPublic(aid, { token: await tokenWith(['public:discounts'], 'T70000099') })).status).toBe(403);
  });
});
