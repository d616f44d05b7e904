import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { SEARCH_LIMITS } from '../../shared/schemas/search';
import { SearchIndex } from '../../shared/store/search';
import { call, json, ruleBody, tokenWith } from '../helpers';

/** Issue 21, item 4: one rule search must not stall the account (docs/search.md, "Paging and limits"). */
const byId = 'customer_id#$.requirement.item.items[*].id';
const byGroup = 'customer_id#$.requirement.item.items[*].group_id';

async function account(aid: string) {
  const token = await tokenWith(undefined, aid);
  const base = `/v1/accounts/${aid}/discounts`;
  const rule = async (items: { id?: string; group_id?: string }[]) => {
    const body = ruleBody({ name: `rule ${crypto.randomUUID()}` });
    body.requirement = { ...body.requirement, item: { items } } as typeof body.requirement;
    const res = await json(call('POST', `${base}/rules`, { token, body }));
    expect(res.status).toBe(200);
    await call('POST', `${base}/rules/${res.body.id}/customers`, { token, body: { customers: ['*'] } });
    return res.body.id as string;
  };
  const search = (body: unknown, query = '') => json(call('POST', `${base}/search/rules${query}`, { token, body }));
  return { token, rule, search };
}

/** `n` entries of `customers` × `items`, every item in the group `g`. */
const query = (n: number, customers: number, items: number) =>
  Array.from({ length: n }, (_, q) => ({
    customer_id: Array.from({ length: customers }, (_, c) => `customer-${q}-${c}`),
    '$.requirement.item.items[*]': Array.from({ length: items }, (_, i) => ({ id: `p-${q}-${i}`, group_id: 'g' })),
  }));

describe('rule search bounds', () => {
  it('a 43 KB query of 10 × 100 customers × 100 items is 400 naming query, at once', async () => {
    const api = await account('T45100001');
    await api.rule([{ group_id: 'g' }]);
    const body = { query: query(10, 100, 100), group_by: [byId, byGroup] };
    expect(JSON.stringify(body).length).toBeGreaterThan(43_000);
    const started = Date.now();
    const res = await api.search(body);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(400);
    expect(res.body.error.errors[0]).toMatchObject({ field: 'query', code: 'check' });
    // The same in Dintero's {search: {...}} wrapper.
    const wrapped = await api.search({ search: body });
    expect(wrapped.status).toBe(400);
    expect(wrapped.body.error.errors[0].field).toBe('search.query');
  });

  it(`customer × item pairs: ${SEARCH_LIMITS.pairs} over all entries pass, one more is 400`, async () => {
    const api = await account('T45100002');
    // 7 × (10 × 10) + 10 × 30 = 1,000; 7 × (10 × 10) + 7 × 43 = 1,001 (within every per-entry limit).
    const at = await api.search({ query: [...query(7, 10, 10), ...query(1, 10, 30)], group_by: byId });
    expect(at.status).toBe(200);
    const over = await api.search({ query: [...query(7, 10, 10), ...query(1, 7, 43)], group_by: byId });
    expect(over.status).toBe(400);
    expect(over.body.error.errors[0].field).toBe('query');
  });

  it(`at most ${SEARCH_LIMITS.rows} matching rows: a broader search is 400 naming query, not a stall`, async () => {
    const api = await account('T45100003');
    // 1,000 pairs × 10 rules on the group every item is in = 10,000 rows: answered, paged.
    for (let i = 0; i < 10; i++) await api.rule([{ group_id: 'g' }]);
    const body = { query: query(10, 10, 10), group_by: [byId] };
    const at = await api.search(body, '?limit=1000');
    expect(at.status).toBe(200);
    expect(at.body.data).toHaveLength(1000);
    expect(at.body.starting_after).toBeDefined();
    // An eleventh rule makes it 11,000.
    await api.rule([{ group_id: 'g' }]);
    const over = await api.search(body);
    expect(over.status).toBe(400);
    expect(over.body.error.errors[0]).toMatchObject({ field: 'query', code: 'too_broad' });
    // The account still answers everything else.
    expect((await json(call('GET', '/v1/accounts/T45100003/settings', { token: api.token }))).status).toBe(200);
  });

  it('the index rows a search would read are bounded before it reads them', async () => {
    const api = await account('T45100004');
    await api.rule([{ group_id: 'g' }]);
    await api.rule([{ group_id: 'g' }]);
    const body = { query: query(1, 1, 1), group_by: [byId] };
    expect((await api.search(body)).status).toBe(200);
    await runInDurableObject(env.ACCOUNTS.getByName('T45100004'), (_instance, state) => {
      const small = (examined: number) =>
        new SearchIndex(state.storage.sql, () => undefined, { ...SEARCH_LIMITS, examined });
      // Two rule_items rows on the item side, two `*` refs on the customer side: 2 rows to read.
      expect(() => small(1).search({ ...body, group_by: [byId] }, { limit: 10 })).toThrow(/too broad/);
      expect(() => small(2).search({ ...body, group_by: [byId] }, { limit: 0 })).not.toThrow();
    });
  });
});
