import { listDurableObjectIds } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, json, ruleBody, tokenWith } from '../helpers';

/**
 * The anonymous public list (issue 14, docs/security.md): what it may show, what it may cost, and
 * how its answers may be cached by others. Each test uses its own account.
 */
const rulesPath = (aid: string) => `/v1/accounts/${aid}/discounts/rules`;
const publicPath = (aid: string, rest = '') => `/v1/accounts/${aid}/discounts/public/rules${rest}`;
const admin = (aid: string) => tokenWith(['admin:discounts'], aid, 'merchant-backoffice');

async function offer(aid: string, overrides: Record<string, unknown>, customers = ['*']): Promise<string> {
  const token = await admin(aid);
  const created = await json(call('POST', rulesPath(aid), { token, body: ruleBody(overrides) }));
  expect(created.status).toBe(200);
  const given = await call('POST', `${rulesPath(aid)}/${created.body.id}/customers`, { token, body: { customers } });
  expect(given.status).toBe(200);
  return created.body.id;
}

async function allowAnonymous(aid: string) {
  const res = await call('PUT', `/v1/accounts/${aid}/settings`, {
    token: await admin(aid),
    body: { public_offers: { anonymous: true } },
  });
  expect(res.status).toBe(200);
}

/** A fresh address per call: the rate limiter counts per IP across the whole test run. */
const someIp = () => `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;

describe('what the anonymous list never shows (item 1)', () => {
  it('no discount code, customer allow-list or store details; requires_code says a code is needed', async () => {
    const aid = 'T71400001';
    const withCode = await offer(aid, {
      name: 'code offer',
      description: 'Use code SUMMER at the till',
      requirement: {
        purchase_from: '2020-01-01T00:00:00Z',
        purchase_to: '2099-01-01T00:00:00Z',
        discount_code: 'S3CRET-CODE-7781',
        customer: {
          first_name: ['Kari'],
          date_of_birth: ['1980-02-03'],
          company: { organization_number: ['987654321'] },
        },
        store: { id: ['sc029'], terminal_id: ['TERMINAL-55'], email: ['store@example.com'] },
        gross_amount: 50000,
      },
    });
    const plain = await offer(aid, { name: 'plain offer' }, ['/']);
    await allowAnonymous(aid);

    const list = await json(call('GET', publicPath(aid)));
    expect(list.status).toBe(200);
    const text = JSON.stringify(list.body);
    for (const secret of ['S3CRET-CODE-7781', 'Kari', '1980-02-03', '987654321', 'TERMINAL-55', 'store@example']) {
      expect(text, secret).not.toContain(secret);
    }
    const byId = Object.fromEntries(list.body.map((r: { id: string }) => [r.id, r]));
    expect(byId[withCode]).toMatchObject({ name: 'code offer', requires_code: true });
    expect(byId[withCode].requirement).toMatchObject({ gross_amount: 50000 });
    expect(byId[withCode].requirement).not.toHaveProperty('discount_code');
    expect(byId[withCode].requirement).not.toHaveProperty('customer');
    expect(byId[plain]).toMatchObject({ name: 'plain offer', requires_code: false });

    const one = await json(call('GET', publicPath(aid, `/${withCode}`)));
    expect(one.status).toBe(200);
    expect(JSON.stringify(one.body)).not.toContain('S3CRET-CODE-7781');
    expect(one.body.requires_code).toBe(true);
  });
});

describe('what an anonymous request may cost (item 2)', () => {
  it('a never-used account answers 401 without creating its account object', async () => {
    const aid = 'T71400002';
    const res = await json(call('GET', publicPath(aid), { headers: { origin: 'https://shop.example.com' } }));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    const one = await json(call('GET', publicPath(aid, '/3c90c3cc-0d44-4b50-8888-8dd25736052a')));
    expect(one.status).toBe(401);
    const preflight = await call('OPTIONS', publicPath(aid), { headers: { origin: 'https://shop.example.com' } });
    expect(preflight.status).toBe(204);
    const created = (await listDurableObjectIds(env.ACCOUNTS)).map((id) => id.toString());
    expect(created).not.toContain(env.ACCOUNTS.idFromName(aid).toString());
  });

  it('campaign ids that name no campaign do not fill the cache', async () => {
    const aid = 'T71400003';
    const token = await admin(aid);
    const campaign = await call('POST', `/v1/accounts/${aid}/discounts/campaigns`, {
      token,
      body: { campaign_id: 'V1', name: 'Spring' },
    });
    expect(campaign.status).toBe(200);
    await offer(aid, { name: 'spring offer', campaign_id: 'V1' });
    await allowAnonymous(aid);

    const first = await call('GET', `${publicPath(aid)}?campaign_id=V1`);
    const again = await call('GET', `${publicPath(aid)}?campaign_id=V1`);
    expect(first.headers.get('x-rabatt-cache')).toBe('miss');
    expect(again.headers.get('x-rabatt-cache')).toBe('hit');
    expect((await again.json()) as unknown[]).toHaveLength(1);

    // Made-up ids answer like before (nothing matches) but are never stored: each asks again.
    for (const made of ['nope-1', 'nope-1']) {
      const res = await call('GET', `${publicPath(aid)}?campaign_id=${made}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([]);
      expect(res.headers.get('x-rabatt-cache')).toBe('miss');
    }
    const mixed = `${publicPath(aid)}?campaign_id=V1&campaign_id=nope-2`;
    await (await call('GET', mixed)).body?.cancel();
    expect((await call('GET', mixed)).headers.get('x-rabatt-cache')).toBe('miss');
  });
});

describe('who may keep an answer (item 5)', () => {
  it('answers to a token are private; anonymous answers stay public', async () => {
    const aid = 'T71400005';
    await offer(aid, { name: 'offer' });
    await allowAnonymous(aid);
    const token = await tokenWith(['public:discounts'], aid, 'storefront-server');

    const withToken = await call('GET', publicPath(aid), { token });
    expect(withToken.status).toBe(200);
    const cc = withToken.headers.get('cache-control') ?? '';
    expect(cc).toMatch(/^private\b/);
    expect(cc).not.toContain('public');
    expect(withToken.headers.get('vary')?.toLowerCase()).toContain('authorization');

    const anonymous = await call('GET', publicPath(aid));
    expect(anonymous.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);

    // A 304 to a token is private too.
    const etag = withToken.headers.get('etag')!;
    const revalidated = await call('GET', publicPath(aid), { token, headers: { 'if-none-match': etag } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('cache-control')).toMatch(/^private\b/);
  });
});

describe('rate limit per IP (item 8)', () => {
  it('anonymous requests from one address get 429 with Retry-After; another address does not', async () => {
    const aid = 'T71400008';
    await offer(aid, { name: 'offer' });
    await allowAnonymous(aid);
    const ip = someIp();
    const statuses: number[] = [];
    let limited: Response | undefined;
    // The limit is 100 per 10 s; a window may roll over once mid-loop, so at most 2 × 100 pass.
    for (let i = 0; i < 250 && !limited; i++) {
      const res = await call('GET', publicPath(aid), { headers: { 'cf-connecting-ip': ip } });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else await res.body?.cancel();
    }
    expect(limited, 'no 429 within 250 requests').toBeDefined();
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(100);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await limited!.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('rate_limited');

    const other = await call('GET', publicPath(aid), { headers: { 'cf-connecting-ip': someIp() } });
    expect(other.status).toBe(200);
    // Authenticated callers are not counted against the anonymous limit.
    const token = await tokenWith(['public:discounts'], aid, 'storefront-server');
    expect((await call('GET', publicPath(aid), { token, headers: { 'cf-connecting-ip': ip } })).status).toBe(200);
  });
});
