import { runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cacheClock, cacheTag, forgetIsolateCache, purgeEverywhere } from '../../functions/public-cache';
import { publicAccount } from './public-account';

/**
 * The staleness promise of docs/public-offers.md ("Staleness"): within `max_age` the account
 * object is not called; past it a stale answer is served while one refresh runs; past twice
 * `max_age` nothing cached is served. The cache's clock is moved instead of sleeping.
 */
let clock = Date.now();
cacheClock.now = () => clock;
afterEach(() => {
  clock = Date.now();
  vi.restoreAllMocks();
});

async function account(aid: string, maxAge: number) {
  const a = await publicAccount(aid, maxAge, ['admin:discounts']);
  const names = async () => {
    const res = await a.list();
    return { cache: res.headers.get('x-rabatt-cache'), names: res.body.map((r: { name: string }) => r.name) };
  };
  /** A write the account object took from elsewhere (another data centre): nothing here is told. */
  const writeElsewhere = (name: string) =>
    runInDurableObject(a.stub, (_o, state) => {
      state.storage.sql.exec("UPDATE rules SET body = json_set(body, '$.name', ?) WHERE id = ?", name, a.ruleId);
      state.storage.sql.exec("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'content_version'");
    });
  return { ...a, names, writeElsewhere };
}

describe('public offers within max_age', () => {
  it('are served without calling the account object, from this isolate or the data centre', async () => {
    const a = await account('T71000001', 10);
    const t0 = clock;
    expect((await a.names()).cache).toBe('miss');
    const calls = await a.objectCalls();
    for (const dt of [0, 1_000, 5_000, 9_999]) {
      clock = t0 + dt;
      expect(await a.names()).toEqual({ cache: 'hit', names: ['first'] });
    }
    forgetIsolateCache(); // another isolate of the same data centre
    expect((await a.names()).cache).toBe('hit');
    expect(await a.objectCalls()).toBe(calls);
  });

  it('show a write made through this Worker at once (the data centre that took it)', async () => {
    const a = await account('T71000002', 10);
    expect((await a.names()).names).toEqual(['first']);
    await a.write('PUT', `/discounts/rules/${a.ruleId}`, { name: 'renamed' });
    expect(await a.names()).toEqual({ cache: 'miss', names: ['renamed'] });
    await a.write('DELETE', `/discounts/rules/${a.ruleId}/customers`, { customers: ['*'] });
    expect((await a.names()).names).toEqual([]);
  });

  it('are read from the object on every request when max_age is 0', async () => {
    const a = await account('T71000003', 0);
    await a.names();
    const calls = await a.objectCalls();
    for (let i = 0; i < 3; i++) expect((await a.names()).cache).toBe('hit');
    expect(await a.objectCalls()).toBe(calls + 3);
  });
});

describe('a write made elsewhere', () => {
  it('shows after max_age: stale once while one refresh runs, then fresh; one object call per key', async () => {
    const a = await account('T71000004', 10);
    const t0 = clock;
    await a.names();
    await a.writeElsewhere('changed elsewhere');
    const before = await a.objectCalls();
    clock = t0 + 9_999;
    expect(await a.names()).toEqual({ cache: 'hit', names: ['first'] });
    expect(await a.objectCalls()).toBe(before);

    clock = t0 + 10_000;
    // Parallel storefront requests past max_age: all answered at once from the stale entry.
    const stale = await Promise.all([1, 2, 3, 4, 5].map(() => a.names()));
    for (const s of stale) expect(s).toEqual({ cache: 'stale', names: ['first'] });
    // One refresh of the info, one answer computed ahead at the new version: two keys, one call each.
    expect(await a.objectCalls()).toBe(before + 2);
    expect(await a.names()).toEqual({ cache: 'hit', names: ['changed elsewhere'] });
    expect(await a.objectCalls()).toBe(before + 2);
  });

  it('is never hidden past twice max_age: no stale answer is served then', async () => {
    const a = await account('T71000005', 10);
    const t0 = clock;
    await a.names();
    await a.writeElsewhere('after the hard bound');
    clock = t0 + 19_999;
    expect((await a.names()).cache).toBe('stale');
    // The refresh above already knows; a cold data centre at the hard bound must not serve stale.
    const b = await account('T71000006', 10);
    const t1 = clock;
    await b.names();
    await b.writeElsewhere('cold after the bound');
    clock = t1 + 20_000;
    expect(await b.names()).toEqual({ cache: 'miss', names: ['cold after the bound'] });
  });
});

describe('purge everywhere (Cloudflare purge by tag)', () => {
  const ZONE = { CACHE_PURGE_ZONE_ID: 'zone-123', CACHE_PURGE_API_TOKEN: 'purge-token-abc' };

  it('is asked after each public write when a zone and token are configured, never otherwise', async () => {
    const a = await account('T71000007', 10);
    const sent: Request[] = [];
    const original = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const req = new Request(input, init);
      if (!req.url.startsWith('https://api.cloudflare.com/')) return original(input, init);
      sent.push(req);
      return Response.json({ success: true });
    });
    await a.write('PUT', `/discounts/rules/${a.ruleId}`, { description: 'purged' }, ZONE);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://api.cloudflare.com/client/v4/zones/zone-123/purge_cache');
    expect(sent[0]!.method).toBe('POST');
    expect(sent[0]!.headers.get('authorization')).toBe('Bearer purge-token-abc');
    expect(await sent[0]!.json()).toEqual({ tags: [cacheTag('T71000007')] });

    await a.write('PUT', `/discounts/rules/${a.ruleId}`, { description: 'not configured' });
    await a.write('PUT', `/discounts/rules/${a.ruleId}`, { receipt_text: 'x'.repeat(10_000) }, ZONE); // 400
    expect(sent).toHaveLength(1);
  });

  it('a failed purge is logged, and the write still answers', async () => {
    const failing = vi.fn(async () => new Response('no', { status: 403 }));
    await expect(purgeEverywhere(ZONE, 'T71000008', failing)).rejects.toThrow(/403/);
    expect(await purgeEverywhere({}, 'T71000008', failing)).toBe(false);
    expect(failing).toHaveBeenCalledTimes(1);
  });
});
