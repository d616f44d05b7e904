// Budgets end to end through HTTP (docs/budgets.md): evaluation offers no more than is left, a claim
// that would pass a cap is refused whole, a release gives back exactly what it took, GET shows used
// and left, explain says budget_exhausted.
import { describe, expect, it } from 'vitest';
import { call, json } from '../helpers';
import { accountApi, NOW } from '../claims/helpers';

const receipt = (customer: string, gross = 100_000, extra: Record<string, unknown> = {}) => ({
  receipt_id: `r-${Math.random()}`,
  purchase_at: NOW(),
  store: { id: 'store-1' },
  customer_id: customer,
  items: [{ id: 'A', line_id: 1, gross_amount: gross }],
  ...extra,
});

const offered = (body: { discounts: { id: string; refs: { amount: number; bonus: number }[] }[] }, did: string) =>
  body.discounts.filter((d) => d.id === did).reduce((s, d) => s + (d.refs[0]?.amount ?? 0), 0);

const claimOf = (did: string, refId: string, customer: string, amount: number, usage = 1) => ({
  purchase_at: NOW(),
  customer_id: customer,
  discounts: [{ id: did, refs: [{ id: refId, amount, usage }] }],
});

describe('a rule budget', { timeout: 30_000 }, () => {
  it('cuts the offer to what is left, refuses a claim past it, and a release gives it back', async () => {
    const api = await accountApi('T23200001');
    const did = await api.rule({ limitation: { budget_amount: 15_000 } });
    const [star] = await api.give(did, ['*']);
    const get = async () => (await json(call('GET', `${api.base}/rules/${did}`, { token: api.token }))).body;
    expect((await get()).budget).toEqual({ amount: { limit: 15_000, used: 0, left: 15_000 } });

    expect(offered((await api.evaluate(receipt('kari'))).body, did)).toBe(10_000);
    const first = await api.claim(claimOf(did, star!, 'kari', 10_000));
    expect(first.status).toBe(200);
    expect((await get()).budget).toEqual({ amount: { limit: 15_000, used: 10_000, left: 5_000 } });

    // Another customer: the budget is across all customers, so 5,000 is all that is left.
    const cut = (await api.evaluate(receipt('ola'))).body;
    expect(offered(cut, did)).toBe(5_000);
    expect(cut.items[0].discount_lines).toEqual([expect.objectContaining({ amount: 5_000, discount_id: did })]);

    // One minor unit past the budget is refused whole; exactly what is left is accepted.
    const over = await api.claim(claimOf(did, star!, 'ola', 5_001));
    expect(over.status).toBe(400);
    expect(over.body.error.errors).toEqual([
      expect.objectContaining({ field: 'discounts.0.refs.0.amount', code: 'budget_amount' }),
    ]);
    expect((await get()).budget.amount.used).toBe(10_000);
    const exact = await api.claim(claimOf(did, star!, 'ola', 5_000));
    expect(exact.status).toBe(200);
    expect((await get()).budget).toEqual({ amount: { limit: 15_000, used: 15_000, left: 0 } });

    const none = await json(
      call('POST', `${api.base}/available_for_receipt?explain=true`, { token: api.token, body: receipt('per') }),
    );
    expect(offered(none.body, did)).toBe(0);
    expect(none.body.explanations).toContainEqual(
      expect.objectContaining({
        discount_id: did,
        applied: false,
        reason: 'budget_exhausted',
        field: 'limitation.budget_amount',
      }),
    );

    // The release gives back exactly the 10,000 the first claim took; releasing again changes nothing.
    expect((await api.release(first.body.id)).status).toBe(200);
    await api.release(first.body.id);
    expect((await get()).budget).toEqual({ amount: { limit: 15_000, used: 5_000, left: 10_000 } });
    expect(offered((await api.evaluate(receipt('per'))).body, did)).toBe(10_000);
  });

  it('counts purchases against budget_usage, once per claim', async () => {
    const api = await accountApi('T23200002');
    const did = await api.rule({ limitation: { budget_usage: 2 } });
    const [star] = await api.give(did, ['*']);
    expect((await api.claim(claimOf(did, star!, 'a', 100, 3))).status).toBe(200);
    expect((await api.claim(claimOf(did, star!, 'b', 100))).status).toBe(200);
    const third = await api.claim(claimOf(did, star!, 'c', 100));
    expect(third.status).toBe(400);
    expect(third.body.error.errors[0]).toMatchObject({ field: 'discounts.0.refs.0.usage', code: 'budget_usage' });
    const rule = await json(call('GET', `${api.base}/rules/${did}`, { token: api.token }));
    expect(rule.body.budget).toEqual({ usage: { limit: 2, used: 2, left: 0 } });
    const explained = await json(
      call('POST', `${api.base}/available_for_receipt?explain=true`, { token: api.token, body: receipt('c') }),
    );
    expect(offered(explained.body, did)).toBe(0);
    expect(explained.body.explanations).toContainEqual(
      expect.objectContaining({ discount_id: did, reason: 'budget_exhausted', field: 'limitation.budget_usage' }),
    );
    // A claim that only records stamps or nothing (usage 0, amount 0) is no purchase.
    expect((await api.claim(claimOf(did, star!, 'c', 0, 0))).status).toBe(200);
  });

  it('budget 0 gives nothing; -1 or absent is no budget and GET shows no budget', async () => {
    const api = await accountApi('T23200003');
    const zero = await api.rule({ limitation: { budget_amount: 0 } });
    const unlimited = await api.rule({ limitation: { budget_amount: -1, budget_usage: -1 } });
    const plain = await api.rule({
      requirement: {
        purchase_from: '2020-01-01T00:00:00Z',
        purchase_to: '2099-01-01T00:00:00Z',
        item: { items: [{ id: 'A' }] },
      },
    });
    for (const d of [zero, unlimited, plain]) await api.give(d, ['*']);
    const body = (await api.evaluate(receipt('kari'))).body;
    expect(offered(body, zero)).toBe(0);
    expect(offered(body, unlimited)).toBe(10_000);
    expect(offered(body, plain)).toBe(10_000);
    for (const d of [unlimited, plain]) {
      const rule = await json(call('GET', `${api.base}/rules/${d}`, { token: api.token }));
      expect(rule.body).not.toHaveProperty('budget');
    }
  });

  it('caps bonus as well as discounts', async () => {
    const api = await accountApi('T23200004');
    const did = await api.rule({
      reward: { type: 'discount_percent', value: 10, effect: 'bonus' },
      limitation: { budget_amount: 3_000 },
    });
    await api.give(did, ['*']);
    const body = (await api.evaluate(receipt('kari', 100_000))).body;
    const ref = body.discounts.find((d: { id: string }) => d.id === did).refs[0];
    expect(ref).toMatchObject({ amount: 0, bonus: 3_000 });
  });
});

describe('budget validation', { timeout: 30_000 }, () => {
  it('refuses a budget below -1 or not whole, naming the field', async () => {
    const api = await accountApi('T23200005');
    for (const [limitation, field] of [
      [{ budget_amount: -2 }, 'limitation.budget_amount'],
      [{ budget_amount: 1.5 }, 'limitation.budget_amount'],
      [{ budget_usage: 'x' }, 'limitation.budget_usage'],
    ] as const) {
      const res = await json(
        call('POST', `${api.base}/rules`, { token: api.token, body: { ...baseRule(), limitation } }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.errors[0].field).toBe(field);
    }
    const campaign = await json(
      call('POST', `${api.base}/campaigns`, {
        token: api.token,
        body: { name: 'x', limitation: { budget_amount: -5 } },
      }),
    );
    expect(campaign.status).toBe(400);
    expect(campaign.body.error.errors[0].field).toBe('limitation.budget_amount');
  });
});

function baseRule() {
  return {
    name: 'x',
    requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' },
    reward: { type: 'discount_amount', value: 100 },
  };
}
