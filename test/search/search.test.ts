import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  CANDIDATES_SQL,
  HELD_COUNT_SQL,
  HELD_SQL,
  HOLDERS_SQL,
  ITEM_COUNT_SQL,
  ITEMS_OF_SQL,
} from '../../shared/store/search';
import { call, json, ruleBody, tokenWith } from '../helpers';

async function searchApi(aid: string) {
  const token = await tokenWith(undefined, aid);
  const base = `/v1/accounts/${aid}/discounts`;
  return {
    async rule(items: { id?: string; group_id?: string }[], overrides: Record<string, unknown> = {}) {
      const body = ruleBody({ name: `rule ${JSON.stringify(items)}`, ...overrides });
      body.requirement = { ...body.requirement, item: { items } } as typeof body.requirement;
      const res = await json(call('POST', `${base}/rules`, { token, body }));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.id as string;
    },
    give: (did: string, customers: string[]) =>
      call('POST', `${base}/rules/${did}/customers`, { token, body: { customers } }),
    search: (body: unknown, query = '') => json(call('POST', `${base}/search/rules${query}`, { token, body })),
    token,
    base,
  };
}

const byId = 'customer_id#$.requirement.item.items[*].id';
const byGroup = 'customer_id#$.requirement.item.items[*].group_id';

describe('POST /discounts/search/rules', () => {
  it("finds the rules a customer holds that touch a product, by id or group, in Dintero's shape", async () => {
    const api = await searchApi('T45000001');
    const chair = await api.rule([{ id: 'chair-1' }]);
    const garden = await api.rule([{ group_id: 'garden' }]);
    const everyone = await api.rule([{ id: 'chair-1' }, { id: 'table-9' }]);
    const notGiven = await api.rule([{ id: 'chair-1' }]);
    const wildcard = await api.rule([{ id: '*' }]);
    const otherCustomer = await api.rule([{ id: 'chair-1' }]);
    const inactive = await api.rule([{ id: 'chair-1' }], { active: false });
    const later = await api.rule([{ id: 'chair-1' }], {
      requirement: { purchase_from: '2090-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' },
    });
    const deleted = await api.rule([{ id: 'chair-1' }]);
    for (const did of [chair, garden, wildcard, inactive, later, deleted]) await api.give(did, ['kari']);
    await api.give(everyone, ['*']);
    await api.give(otherCustomer, ['ola']);
    await call('DELETE', `${api.base}/rules/${deleted}`, { token: api.token });
    void notGiven;

    const res = await api.search({
      query: [{ customer_id: ['kari'], '$.requirement.item.items[*]': [{ id: 'chair-1', group_id: 'garden' }] }],
      group_by: [byId],
    });
    expect(res.status).toBe(200);
    expect(res.body.starting_after).toBeUndefined();
    const rules = res.body.data.map((d: { rule: { id: string } }) => d.rule.id).sort();
    expect(rules).toEqual([chair, everyone, garden].sort());
    const row = res.body.data.find((d: { rule: { id: string } }) => d.rule.id === garden);
    expect(row).toEqual({
      group_by: '$.requirement.item.items[*].id',
      group_value: 'chair-1',
      customer_id: 'kari',
      id: 'chair-1',
      group_id: 'garden',
      // The default includes: id, name, receipt_text, reward.
      rule: { id: garden, name: 'rule [{"group_id":"garden"}]', receipt_text: 'Mai Salg', reward: ruleBody().reward },
    });

    // Grouped by group_id, with chosen includes and Dintero's {search: ...} wrapper.
    const grouped = await api.search({
      search: {
        query: [
          { customer_id: ['kari', 'ola'], '$.requirement.item.items[*]': [{ id: 'chair-1', group_id: 'garden' }] },
        ],
        group_by: [byGroup],
        includes: ['$.id', '$.requirement'],
      },
    });
    expect(grouped.status).toBe(200);
    const pairs = grouped.body.data.map((d: { customer_id: string; group_value: string; rule: { id: string } }) => [
      d.customer_id,
      d.group_value,
      d.rule.id,
    ]);
    expect(pairs.sort()).toEqual(
      [
        ['kari', 'garden', chair],
        ['kari', 'garden', everyone],
        ['kari', 'garden', garden],
        ['ola', 'garden', everyone],
        ['ola', 'garden', otherCustomer],
      ].sort(),
    );
    expect(Object.keys(grouped.body.data[0].rule).sort()).toEqual(['id', 'requirement']);
  });

  it('pages with starting_after through every row exactly once', async () => {
    const api = await searchApi('T45000002');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await api.rule([{ id: `sku-${i}` }, { group_id: 'all' }]));
    for (const did of ids) await api.give(did, ['pia', 'per']);
    const body = {
      query: [{ customer_id: ['pia', 'per'], '$.requirement.item.items[*]': [{ id: 'sku-1', group_id: 'all' }] }],
      group_by: [byId, byGroup],
    };
    const everything = (await api.search(body, '?limit=1000')).body.data;
    expect(everything).toHaveLength(2 * 2 * 5);
    const seen: unknown[] = [];
    let after: string | undefined;
    do {
      const page = await api.search(body, `?limit=3${after ? `&starting_after=${after}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data);
      after = page.body.starting_after;
    } while (after);
    expect(seen).toEqual(everything);
    expect((await api.search(body, '?starting_after=bm90LWEtY3Vyc29y')).status).toBe(400);
  });

  it('refuses malformed searches, naming the field', async () => {
    const api = await searchApi('T45000003');
    const query = [{ customer_id: ['x'], '$.requirement.item.items[*]': [{ id: 'a' }] }];
    const cases: [unknown, string][] = [
      [{ group_by: [byId] }, 'query'],
      [{ query, group_by: ['customer_id#$.name'] }, 'group_by'],
      [
        { query: [{ customer_id: [], '$.requirement.item.items[*]': [{ id: 'a' }] }], group_by: byId },
        'query.0.customer_id',
      ],
      [{ query: [{ customer_id: ['x'], '$.requirement.item.items[*]': [{}] }], group_by: byId }, 'query.0.(unnamed).0'],
      [{ query, group_by: byId, includes: ['$.secret'] }, 'includes.0'],
      [{ search: { query, group_by: byId }, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await api.search(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.errors[0].field, JSON.stringify(body)).toBe(field);
    }
    expect((await api.search({ query, group_by: byId }, '?limit=1001')).status).toBe(400);
    const reader = await tokenWith(['read:discounts'], 'T45000003');
    const noScope = await tokenWith(['read:customers'], 'T45000003');
    const path = '/v1/accounts/T45000003/discounts/search/rules';
    expect((await call('POST', path, { token: reader, body: { query, group_by: byId } })).status).toBe(200);
    expect((await call('POST', path, { token: noScope, body: { query, group_by: byId } })).status).toBe(403);
  });

  it('is an index lookup from either side: no full scan of rules, rule items or refs', async () => {
    const api = await searchApi('T45000004');
    await api.rule([{ id: 'x' }]);
    const plans = await runInDurableObject(env.ACCOUNTS.getByName('T45000004'), (_obj, state) => {
      const plan = (sql: string, ...args: unknown[]) =>
        state.storage.sql
          .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, ...(args as SqlStorageValue[]))
          .toArray()
          .map((r) => r.detail);
      return {
        candidates: plan(CANDIDATES_SQL, 'id', '["x"]', 0, 0),
        holders: plan(HOLDERS_SQL, '["r"]', '["c"]', '["r"]'),
        held: plan(HELD_SQL, '["c"]'),
        itemsOf: plan(ITEMS_OF_SQL, '["r"]', 0, 0),
        counts: [...plan(ITEM_COUNT_SQL, '["x"]', '["g"]'), ...plan(HELD_COUNT_SQL, '["c"]')],
      };
    });
    const all = Object.values(plans).flat();
    expect(all.filter((d) => /^SCAN (ri|ru|rules|refs|rule_items)\b/.test(d))).toEqual([]);
    expect(plans.candidates.join('\n')).toMatch(/SEARCH ri USING PRIMARY KEY/);
    expect(plans.holders.join('\n')).toMatch(/refs_live_by_rule_customer/);
    expect(plans.held.join('\n')).toMatch(/refs_by_customer[\s\S]*refs_by_kind/);
    expect(plans.itemsOf.join('\n')).toMatch(/rule_items_by_rule/);
  });
});
