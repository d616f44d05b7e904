import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, ruleBody, tokenWith } from '../helpers';

const window = (from: string, to: string) => ({ purchase_from: from, purchase_to: to });

describe('GET /discounts/rules filters', () => {
  const aid = 'T20000001';
  const path = `/v1/accounts/${aid}/discounts/rules`;
  let token: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    token = await tokenWith(undefined, aid);
    const make = async (key: string, overrides: Record<string, unknown>) => {
      const res = await json(call('POST', path, { token, body: ruleBody({ name: key, ...overrides }) }));
      expect(res.status).toBe(200);
      ids[key] = res.body.id;
    };
    await make('past', { requirement: window('2020-01-01T00:00:00Z', '2021-01-01T00:00:00Z'), campaign_id: 'spring' });
    await make('present', {
      requirement: window('2020-06-01T00:00:00Z', '2099-01-01T00:00:00Z'),
      campaign_id: 'summer',
    });
    await make('future', {
      requirement: window('2098-01-01T00:00:00Z', '2099-06-01T00:00:00Z'),
      campaign_id: 'spring',
    });
    await make('inactive', { requirement: window('2020-01-01T00:00:00Z', '2099-01-01T00:00:00Z'), active: false });
    await make('deleted', { requirement: window('2020-01-01T00:00:00Z', '2099-01-01T00:00:00Z') });
    expect((await call('DELETE', `${path}/${ids.deleted}`, { token })).status).toBe(200);
  });

  const names = async (query: string) => {
    const res = await json(call('GET', `${path}?${query}`, { token }));
    expect(res.status, query).toBe(200);
    return res.body.map((r: { name: string }) => r.name).sort();
  };

  it.each([
    ['state=all', ['deleted', 'future', 'inactive', 'past', 'present']],
    ['', ['deleted', 'future', 'inactive', 'past', 'present']],
    ['state=active', ['inactive', 'present']],
    ['state=scheduled', ['future']],
    ['state=completed', ['past']],
    ['state=available', ['present']],
    ['state=deleted', ['deleted']],
    ['state=inactive', ['inactive']],
  ])('%s', async (query, expected) => {
    expect(await names(query)).toEqual(expected);
  });

  it('purchase_from and purchase_to compare with the rule window', async () => {
    expect(await names('purchase_from=2020-03-01T00:00:00Z')).toEqual(['future', 'present']);
    expect(await names('purchase_to=2099-01-01T00:00:00Z')).toEqual(['deleted', 'inactive', 'past', 'present']);
    expect(await names('purchase_from=2020-03-01T00:00:00Z&purchase_to=2099-01-01T00:00:00Z')).toEqual(['present']);
  });

  it('campaign_id may repeat', async () => {
    expect(await names('campaign_id=spring')).toEqual(['future', 'past']);
    expect(await names('campaign_id=spring&campaign_id=summer')).toEqual(['future', 'past', 'present']);
    expect(await names('campaign_id=none')).toEqual([]);
  });

  it('include=statistics adds statistics; without it there are none', async () => {
    const plain = await json(call('GET', `${path}?limit=1`, { token }));
    expect(plain.body[0].statistics).toBeUndefined();
    const withStats = await json(call('GET', `${path}?limit=1&include=statistics`, { token }));
    expect(withStats.body[0].statistics).toEqual({ stamp: 0, usage: 0, used: 0, amount: 0, debit_balance: 0 });
  });

  it('total=true adds total-count, counting every match, not just the page', async () => {
    const res = await json(call('GET', `${path}?total=true&limit=2&state=all`, { token }));
    expect(res.body).toHaveLength(2);
    expect(res.headers.get('total-count')).toBe('5');
    const none = await json(call('GET', `${path}?limit=2`, { token }));
    expect(none.headers.get('total-count')).toBeNull();
  });

  it('since_datetime returns rules updated at or after it, oldest first; not with starting_after', async () => {
    const before = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const touched = await json(call('PUT', `${path}/${ids.past}`, { token, body: { description: 'touched' } }));
    expect(touched.status).toBe(200);
    expect(await names(`since_datetime=${before}`)).toEqual(['past']);
    const both = await json(call('GET', `${path}?since_datetime=${before}&starting_after=${ids.past}`, { token }));
    expect(both.status).toBe(400);
    expect(both.body.error.errors[0].message).toContain('starting_after');
  });

  it('rejects bad list parameters with 400 naming them', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['state=gone', 'state'],
      ['purchase_from=yesterday', 'purchase_from'],
      ['include=everything', 'include.0'],
      ['total=maybe', 'total'],
      ['unknown=1', 'unknown'],
    ]) {
      const res = await json(call('GET', `${path}?${query}`, { token }));
      expect(res.status, query).toBe(400);
      expect(res.body.error.errors[0].field, query).toBe(field);
    }
  });
});

describe('paging', () => {
  it('visits each of 250 rules exactly once with limit=100', async () => {
    const aid = 'T20000002';
    const path = `/v1/accounts/${aid}/discounts/rules`;
    const token = await tokenWith(undefined, aid);
    const created: string[] = [];
    for (let batch = 0; batch < 5; batch++) {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          json(call('POST', path, { token, body: ruleBody({ name: `r${batch * 50 + i}` }) })),
        ),
      );
      created.push(...results.map((r) => r.body.id));
    }
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const res = await json(call('GET', `${path}?limit=100${after ? `&starting_after=${after}` : ''}`, { token }));
      pages++;
      if (res.body.length === 0) break;
      seen.push(...res.body.map((r: { id: string }) => r.id));
      after = res.body.at(-1).id;
      if (res.body.length < 100) break;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect([...seen].sort()).toEqual([...created].sort());
  });
});
