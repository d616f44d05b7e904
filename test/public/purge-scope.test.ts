import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Env, publicAccount } from './public-account';

/**
 * Issue 21 (Low): only writes that can change the public list forget and purge the public cache;
 * each route declares it (`operation({changesPublic: true})`), no path pattern decides.
 */
const ZONE: Partial<Env> = { CACHE_PURGE_ZONE_ID: 'zone-321', CACHE_PURGE_API_TOKEN: 'purge-token-xyz' };

afterEach(() => vi.restoreAllMocks());

describe('which writes purge the public cache', () => {
  it('a customer write leaves it warm; a rule write purges it', async () => {
    const a = await publicAccount('T71000101', 60);
    const { list, objectCalls, ruleId } = a;
    const write = (method: string, path: string, body?: unknown) => a.write(method, path, body, ZONE);

    const sent: string[] = [];
    const original = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const req = new Request(input, init);
      if (!req.url.startsWith('https://api.cloudflare.com/')) return original(input, init);
      sent.push(req.url);
      return Response.json({ success: true });
    });
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
    expect((await write('PUT', `/discounts/rules/${ruleId}`, { description: 'new' })).status).toBe(200);
    expect(sent).toHaveLength(1);
    expect((await list()).headers.get('x-rabatt-cache')).toBe('miss');
    expect(await objectCalls()).toBeGreaterThan(warm);
    // So does giving a rule to everyone, a campaign and a settings write.
    await write('POST', `/discounts/rules/${ruleId}/customers`, { customers: ['/'] });
    await write('PUT', '/settings', { public_offers: { anonymous: true, max_age: 30 } });
    expect(sent).toHaveLength(3);
  });
});
