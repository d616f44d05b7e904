// A campaign's budget caps all its rules together (docs/budgets.md).
import { describe, expect, it } from 'vitest';
import { call, json } from '../helpers';
import { accountApi, NOW } from '../claims/helpers';

const receipt = (customer: string) => ({
  receipt_id: `r-${Math.random()}`,
  purchase_at: NOW(),
  store: { id: 'store-1' },
  customer_id: customer,
  items: [
    { id: 'A', line_id: 1, gross_amount: 50_000 },
    { id: 'B', line_id: 2, gross_amount: 50_000 },
  ],
});
const window = { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' };

describe('a campaign budget', { timeout: 30_000 }, () => {
  it('is shared by its rules in one evaluation, in claims and in GET', async () => {
    const api = await accountApi('T23200011');
    const created = await json(
      call('POST', `${api.base}/campaigns`, {
        token: api.token,
        body: { campaign_id: 'summer', name: 'Summer', limitation: { budget_amount: 15_000, budget_usage: 2 } },
      }),
    );
    expect(created.status).toBe(200);
    expect(created.body.limitation).toEqual({ budget_amount: 15_000, budget_usage: 2 });
    const a = await api.rule({ campaign_id: 'summer', requirement: { ...window, item: { items: [{ id: 'A' }] } } });
    const b = await api.rule({ campaign_id: 'summer', requirement: { ...window, item: { items: [{ id: 'B' }] } } });
    const [ra] = await api.give(a, ['*']);
    const [rb] = await api.give(b, ['*']);
    const getCampaign = async () =>
      (await json(call('GET', `${api.base}/campaigns/summer`, { token: api.token }))).body.budget;
    expect(await getCampaign()).toEqual({
      amount: { limit: 15_000, used: 0, left: 15_000 },
      usage: { limit: 2, used: 0, left: 2 },
    });

    // Both rules reach the receipt; together they are offered the 15,000 the campaign has.
    const evaluated = (await api.evaluate(receipt('kari'))).body;
    const amounts = evaluated.discounts.map((d: { refs: { amount: number }[] }) => d.refs[0]!.amount);
    expect(amounts.reduce((s: number, x: number) => s + x, 0)).toBe(15_000);
    expect([...amounts].sort()).toEqual([10_000, 5_000]);

    const both = (x: number, y: number, customer = 'kari') => ({
      purchase_at: NOW(),
      customer_id: customer,
      discounts: [
        { id: a, refs: [{ id: ra, amount: x, usage: 1 }] },
        { id: b, refs: [{ id: rb, amount: y, usage: 1 }] },
      ],
    });
    const over = await api.claim(both(10_000, 10_000));
    expect(over.status).toBe(400);
    expect(over.body.error.errors[0]).toMatchObject({ field: 'discounts.1.refs.0.amount', code: 'budget_amount' });
    // Two rules of the campaign in one claim are one purchase.
    const ok = await api.claim(both(10_000, 4_000));
    expect(ok.status).toBe(200);
    expect(await getCampaign()).toEqual({
      amount: { limit: 15_000, used: 14_000, left: 1_000 },
      usage: { limit: 2, used: 1, left: 1 },
    });
    expect((await api.claim(both(500, 500, 'ola'))).status).toBe(200);
    const fourth = await api.claim({
      purchase_at: NOW(),
      customer_id: 'per',
      discounts: [{ id: a, refs: [{ id: ra, amount: 0, usage: 1 }] }],
    });
    expect(fourth.status).toBe(400);
    expect(fourth.body.error.errors[0]).toMatchObject({ code: 'budget_usage' });
    expect(fourth.body.error.errors[0].message).toContain('campaign');

    // The rule's own GET shows no budget: the budget is the campaign's.
    expect((await json(call('GET', `${api.base}/rules/${a}`, { token: api.token }))).body).not.toHaveProperty('budget');
    // Releasing gives the campaign back exactly what the claim took.
    await api.release(ok.body.id);
    expect(await getCampaign()).toEqual({
      amount: { limit: 15_000, used: 1_000, left: 14_000 },
      usage: { limit: 2, used: 1, left: 1 },
    });
  });

  it('keeps capping its rules once the campaign is deleted', async () => {
    const api = await accountApi('T23200012');
    const body = { campaign_id: 'gone', name: 'Gone', limitation: { budget_amount: 3_000 } };
    expect((await json(call('POST', `${api.base}/campaigns`, { token: api.token, body }))).status).toBe(200);
    const a = await api.rule({ campaign_id: 'gone', requirement: { ...window, item: { items: [{ id: 'A' }] } } });
    await api.give(a, ['*']);
    const offered = async () =>
      (await api.evaluate(receipt('kari'))).body.discounts.map(
        (d: { refs: { amount: number }[] }) => d.refs[0]!.amount,
      );
    expect(await offered()).toEqual([3_000]);
    const deleted = await json(call('DELETE', `${api.base}/campaigns/gone`, { token: api.token }));
    expect(deleted.status).toBe(200);
    expect(deleted.body.deleted_at).toEqual(expect.any(String));
    // Deleting the campaign must not hand out more than its budget.
    expect(await offered()).toEqual([3_000]);
  });
});
