// Parallel claims never pass a budget together (docs/budgets.md): the account object runs one
// claim's transaction at a time, and the check and the write share it.
import { describe, expect, it } from 'vitest';
import { call, json } from '../helpers';
import { accountApi, NOW } from '../claims/helpers';

describe('parallel claims against a budget', { timeout: 60_000 }, () => {
  it('budget_amount: exactly as many as fit succeed', async () => {
    const api = await accountApi('T23200021');
    const did = await api.rule({ limitation: { budget_amount: 50_000 } });
    const [star] = await api.give(did, ['*']);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.claim({
          purchase_at: NOW(),
          customer_id: `c-${i}`,
          discounts: [{ id: did, refs: [{ id: star, amount: 10_000, usage: 1 }] }],
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results.filter((r) => r.status === 400)).toHaveLength(15);
    const rule = await json(call('GET', `${api.base}/rules/${did}`, { token: api.token }));
    expect(rule.body.budget.amount).toEqual({ limit: 50_000, used: 50_000, left: 0 });
  });

  it('campaign budget_usage across rules: exactly the limit succeeds', async () => {
    const api = await accountApi('T23200022');
    await json(
      call('POST', `${api.base}/campaigns`, {
        token: api.token,
        body: { campaign_id: 'flash', name: 'Flash', limitation: { budget_usage: 7 } },
      }),
    );
    const rules = [await api.rule({ campaign_id: 'flash' }), await api.rule({ campaign_id: 'flash' })];
    const refs = [(await api.give(rules[0]!, ['*']))[0], (await api.give(rules[1]!, ['*']))[0]];
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        api.claim({
          purchase_at: NOW(),
          customer_id: `c-${i}`,
          discounts: [{ id: rules[i % 2], refs: [{ id: refs[i % 2], amount: 100, usage: 1 }] }],
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(7);
    const campaign = await json(call('GET', `${api.base}/campaigns/flash`, { token: api.token }));
    expect(campaign.body.budget).toEqual({ usage: { limit: 7, used: 7, left: 0 } });
  });
});
