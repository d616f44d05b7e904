import { describe, expect, it } from 'vitest';
import { forgetIsolateCache, isolateCacheSize } from '../../functions/public-cache';
import { call, json, ruleBody, tokenWith } from '../helpers';

/**
 * Query parameters that do not change the answer must not split the public cache (issue 21): the
 * same answer is one entry whatever the spelling; different answers never share one.
 */
const publicPath = (aid: string, query = '') => `/v1/accounts/${aid}/discounts/public/rules${query}`;

async function account(aid: string, offers: number) {
  const token = await tokenWith(['admin:discounts'], aid, 'merchant-backoffice');
  for (let i = 0; i < offers; i++) {
    const rule = await json(
      call('POST', `/v1/accounts/${aid}/discounts/rules`, { token, body: ruleBody({ name: `offer ${i}` }) }),
    );
    expect(rule.status).toBe(200);
    const path = `/v1/accounts/${aid}/discounts/rules/${rule.body.id}/customers`;
    expect((await call('POST', path, { token, body: { customers: ['*'] } })).status).toBe(200);
  }
  const settings = { public_offers: { anonymous: true } };
  expect((await call('PUT', `/v1/accounts/${aid}/settings`, { token, body: settings })).status).toBe(200);
}

async function get(aid: string, query: string) {
  const res = await call('GET', publicPath(aid, query));
  expect(res.status, query).toBe(200);
  const body = (await res.json()) as { name: string }[];
  return { cache: res.headers.get('x-rabatt-cache'), etag: res.headers.get('etag'), names: body.map((r) => r.name) };
}

describe('public list cache keys', () => {
  it('every spelling of the same answer shares one entry, limits at or above the list included', async () => {
    const aid = 'T21800001';
    await account(aid, 3);
    const size = isolateCacheSize();
    const first = await get(aid, '?limit=10');
    expect(first.cache).toBe('miss');
    expect(first.names).toHaveLength(3);
    expect(isolateCacheSize()).toBe(size + 1);
    // Defaults spelled out or left out, another order, a larger limit, the list's own length: hits.
    for (const q of ['', '?no_customer_id=false&limit=100', '?limit=50&no_customer_id=false', '?limit=3']) {
      const again = await get(aid, q);
      expect(again.cache, q).toBe('hit');
      expect(again).toMatchObject({ etag: first.etag, names: first.names });
    }
    expect(isolateCacheSize()).toBe(size + 1);
    // From the data centre's cache too (the entry says how many items it holds).
    forgetIsolateCache();
    expect((await get(aid, '?limit=99')).cache).toBe('hit');

    // A limit below the list's length is another answer: its own entry, never the whole list.
    const two = await get(aid, '?limit=2');
    expect(two.cache).toBe('miss');
    expect(two.names).toEqual(first.names.slice(0, 2));
    expect((await get(aid, '?limit=2')).cache).toBe('hit');
    const onlySlash = await get(aid, '?no_customer_id=true&limit=100');
    expect(onlySlash).toMatchObject({ cache: 'miss', names: [] });
    expect((await get(aid, '?limit=10')).names).toHaveLength(3);
  });

  it('a full page (as many items as the limit) is not taken for the whole list', async () => {
    const aid = 'T21800002';
    await account(aid, 3);
    const page = await get(aid, '?limit=3');
    expect(page).toMatchObject({ cache: 'miss' });
    expect(page.names).toHaveLength(3);
    // Whether a fourth exists is unknown from a full page: asked again, then shared from there on.
    expect((await get(aid, '?limit=4')).cache).toBe('miss');
    expect((await get(aid, '?limit=5')).cache).toBe('hit');
    expect((await get(aid, '?limit=3')).cache).toBe('hit');
    expect((await get(aid, '?limit=2')).cache).toBe('miss');
  });

  it('campaign ids in any order, or named twice, share one entry; another set of campaigns does not', async () => {
    const aid = 'T21800009';
    const token = await tokenWith(['admin:discounts'], aid, 'merchant-backoffice');
    for (const [campaign, name] of [
      ['summer', 'in summer'],
      ['winter', 'in winter'],
      ['spring', 'in spring'],
    ]) {
      const made = await call('POST', `/v1/accounts/${aid}/discounts/campaigns`, {
        token,
        body: { campaign_id: campaign, name: campaign },
      });
      expect(made.status).toBe(200);
      const rule = await json(
        call('POST', `/v1/accounts/${aid}/discounts/rules`, { token, body: ruleBody({ name, campaign_id: campaign }) }),
      );
      expect(rule.status).toBe(200);
      const path = `/v1/accounts/${aid}/discounts/rules/${rule.body.id}/customers`;
      expect((await call('POST', path, { token, body: { customers: ['*'] } })).status).toBe(200);
    }
    const settings = { public_offers: { anonymous: true } };
    expect((await call('PUT', `/v1/accounts/${aid}/settings`, { token, body: settings })).status).toBe(200);

    const first = await get(aid, '?campaign_id=summer&campaign_id=winter');
    expect(first).toMatchObject({ cache: 'miss' });
    expect([...first.names].sort()).toEqual(['in summer', 'in winter']);
    for (const q of [
      '?campaign_id=winter&campaign_id=summer',
      '?campaign_id=winter&campaign_id=summer&campaign_id=winter',
    ]) {
      expect(await get(aid, q), q).toMatchObject({ cache: 'hit', etag: first.etag, names: first.names });
    }
    const other = await get(aid, '?campaign_id=summer&campaign_id=spring');
    expect(other.cache).toBe('miss');
    expect([...other.names].sort()).toEqual(['in spring', 'in summer']);
  });
});
