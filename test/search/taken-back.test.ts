// A ref taken back from a customer stops a rule from showing in her search results, whichever side
// the search starts from (rows naming the products, or the refs the customers hold).
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { HELD_COUNT_SQL, ITEM_COUNT_SQL } from '../../shared/store/search';
import { call, json, ruleBody, tokenWith } from '../helpers';

async function setup(aid: string) {
  const token = await tokenWith(undefined, aid);
  const base = `/v1/accounts/${aid}/discounts`;
  const rule = async (id: string) => {
    const body = ruleBody({ name: `rule ${id}` });
    body.requirement = { ...body.requirement, item: { items: [{ id }] } } as typeof body.requirement;
    const res = await json(call('POST', `${base}/rules`, { token, body }));
    expect(res.status).toBe(200);
    return res.body.id as string;
  };
  const give = async (did: string) =>
    expect(
      (await call('POST', `${base}/rules/${did}/customers`, { token, body: { customers: ['kari'] } })).status,
    ).toBe(200);
  const take = async (did: string) =>
    expect(
      (await call('DELETE', `${base}/rules/${did}/customers`, { token, body: { customers: ['kari'] } })).status,
    ).toBe(200);
  const found = async () => {
    const res = await json(
      call('POST', `${base}/search/rules`, {
        token,
        body: {
          query: [{ customer_id: ['kari'], '$.requirement.item.items[*]': [{ id: 'chair-1' }] }],
          group_by: ['customer_id#$.requirement.item.items[*].id'],
        },
      }),
    );
    expect(res.status).toBe(200);
    return res.body.data.map((r: { rule?: { id: string } }) => r.rule?.id);
  };
  /** Which side the search starts from, by the same counts it compares. */
  const startsFromItems = () =>
    runInDurableObject(env.ACCOUNTS.getByName(aid), (_o, state) => {
      const n = (sql: string, ...lists: unknown[]) =>
        state.storage.sql.exec<{ n: number }>(sql, ...lists.map((l) => JSON.stringify(l))).one().n;
      return n(ITEM_COUNT_SQL, ['chair-1'], []) <= n(HELD_COUNT_SQL, ['kari']);
    });
  return { rule, give, take, found, startsFromItems };
}

describe('rule search after a ref is taken back', () => {
  it('starting from the products: the rule is gone from her results', async () => {
    const s = await setup('T45500001');
    const chair = await s.rule('chair-1');
    await s.give(chair);
    // She holds many other rules, so the product side is the smaller one.
    for (const other of ['a', 'b', 'c', 'd']) await s.give(await s.rule(other));
    expect(await s.startsFromItems()).toBe(true);
    expect(await s.found()).toContain(chair);
    await s.take(chair);
    expect(await s.found()).toEqual([]);
  });

  it('starting from her refs: the rule is gone from her results', async () => {
    const s = await setup('T45500002');
    const chair = await s.rule('chair-1');
    await s.give(chair);
    // Many rules name the product, so her refs are the smaller side.
    for (let i = 0; i < 4; i++) await s.rule('chair-1');
    expect(await s.startsFromItems()).toBe(false);
    expect(await s.found()).toContain(chair);
    await s.take(chair);
    expect(await s.found()).toEqual([]);
  });
});
