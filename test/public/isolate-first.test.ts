import { afterEach, describe, expect, it, vi } from 'vitest';
import { call, ruleBody, tokenWith } from '../helpers';

/**
 * A cached public list answers from this isolate without asking the data centre's cache, also when
 * the list is longer than its `limit` (then no "whole list" entry exists, and asking the Cache API
 * for one on every request was most of a cached answer's cost: bench/RESULTS.md, "Hot paths").
 */
afterEach(() => vi.restoreAllMocks());

describe('the public list from the isolate', () => {
  it('asks the Cache API nothing once the isolate holds the answer, lists longer or shorter than limit', async () => {
    const aid = 'T71000201';
    const token = await tokenWith(undefined, aid);
    const base = `/v1/accounts/${aid}`;
    await call('PUT', `${base}/settings`, { token, body: { public_offers: { anonymous: true, max_age: 60 } } });
    for (const name of ['one', 'two', 'three']) {
      const rule = await (await call('POST', `${base}/discounts/rules`, { token, body: ruleBody({ name }) })).json();
      const given = await call('POST', `${base}/discounts/rules/${(rule as { id: string }).id}/customers`, {
        token,
        body: { customers: ['*'] },
      });
      expect(given.status).toBe(200);
    }
    for (const limit of [2, 3, 10]) {
      const path = `${base}/discounts/public/rules?limit=${limit}`;
      const first = await call('GET', path);
      expect(first.status).toBe(200);
      const lookups = vi.spyOn(caches.default, 'match');
      const again = await call('GET', path);
      expect(again.status).toBe(200);
      expect(again.headers.get('x-rabatt-cache')).toBe('hit');
      expect(((await again.json()) as unknown[]).length).toBe(Math.min(limit, 3));
      expect(lookups, `limit=${limit}`).not.toHaveBeenCalled();
      lookups.mockRestore();
    }
  });
});
