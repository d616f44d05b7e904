import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import app from '../../functions/app';
import { BASE, ruleBody, tokenWith } from '../helpers';

/**
 * Issue 21 (Low): only writes that can change the public list forget and purge the public cache;
 * each route declares it (`operation({changesPublic: true})`), no path pattern decides.
 */
type Env = typeof env;
const ZONE = { CACHE_PURGE_ZONE_ID: 'zone-321', CACHE_PURGE_API_TOKEN: 'purge-token-xyz' };

async function fetchApp(path: string, init: RequestInit & { env?: Partial<Env> } = {}) {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(BASE + path, init), { ...env, ...init.env }, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

afterEach(() => vi.restoreAllMocks());

describe('which writes purge the public cache', () => {
  it('a customer write leaves it warm; a rule write purges it', async () => {
    const aid = 'T71000101';
    const token = await tokenWith(undefined, aid);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const write = (method: string, path: string, body?: unknown, zone: Partial<Env> = ZONE) =>
      fetchApp(`/v1/accounts/${aid}${path}`, { method, headers, body: JSON.stringify(body), env: zone });
    await write('PUT', '/settings', { public_offers: { anonymous: true, max_age: 60 } }, {});
    const rule = await write('POST', '/discounts/rules', ruleBody({ name: 'first' }), {});
    await write('POST', `/discounts/rules/${rule.body.id}/customers`, { customers: ['*'] }, {});

    const sent: string[] = [];
    const original = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const req = new Request(input, init);
      if (!req.url.startsWith('https://api.cloudflare.com/')) return original(input, init);
      sent.push(req.url);
      return Response.json({ success: true });
    });
    const list = () => fetchApp(`/v1/accounts/${aid}/discounts/public/rules`);
    const objectCalls = () => env.ACCOUNTS.getByName(aid).publicReadCount();
    await list();
    const warm = await objectCalls();

    // Writes that cannot change the public list: a customer, an event, a search, a claim.
    const customer = await write('POST', '/customers/users', { customer_id: 'c-1', email: 'c1@example.com' });
    expect(customer.status).toBe(200);
    const updated = await write('PUT', '/customers/users/c-1', { first_name: 'Kari' });
    expect(updated.status).toBe(200);
    const searched = await write('POST', '/discounts/search/rules', {
      query: [{ customer_id: ['c-1'], '$.requirement.item.items[*]': [{ id: 'x' }] }],
      group_by: 'customer_id#$.requirement.item.items[*].id',
    });
    expect(searched.status).toBe(200);
    expect(sent).toEqual([]);
    const after = await list();
    expect(after.headers.get('x-rabatt-cache')).toBe('hit');
    expect(await objectCalls()).toBe(warm);

    // A rule write purges: forgotten here, purged everywhere.
    expect((await write('PUT', `/discounts/rules/${rule.body.id}`, { description: 'new' })).status).toBe(200);
    expect(sent).toHaveLength(1);
    expect((await list()).headers.get('x-rabatt-cache')).toBe('miss');
    expect(await objectCalls()).toBeGreaterThan(warm);
    // So does giving a rule to everyone, a campaign and a settings write.
    await write('POST', `/discounts/rules/${rule.body.id}/customers`, { customers: ['/'] });
    await write('PUT', '/settings', { public_offers: { anonymous: true, max_age: 30 } });
    expect(sent).toHaveLength(3);
  });
});
