// The console's rule page shows a budget's used and left (docs/budgets.md, docs/console.md).
import { describe, expect, it } from 'vitest';
import { AID, call, json, ruleBody, tokenWith } from '../helpers';
import { ConsoleClient } from '../console/helpers';

describe('console rule page', { timeout: 30_000 }, () => {
  it('shows the budget used and left, and nothing for a rule without one', async () => {
    const token = await tokenWith();
    const base = `/v1/accounts/${AID}/discounts`;
    const create = async (limitation?: Record<string, number>) =>
      (await json(call('POST', `${base}/rules`, { token, body: ruleBody(limitation ? { limitation } : {}) }))).body.id;
    const did = await create({ budget_amount: 50_000, budget_usage: 10 });
    const plain = await create();
    const given = await json(call('POST', `${base}/rules/${did}/customers`, { token, body: { customers: ['*'] } }));
    const claim = await json(
      call('POST', `${base}/available_for_receipt/claims`, {
        token,
        body: {
          purchase_at: new Date().toISOString(),
          customer_id: 'kari',
          discounts: [{ id: did, refs: [{ id: given.body.refs[0].id, amount: 10_000, usage: 1 }] }],
        },
      }),
    );
    expect(claim.status).toBe(200);
    const browser = new ConsoleClient();
    await browser.signIn();
    const page = await (await browser.get(`/console/rules/${did}`)).text();
    expect(page).toContain('<dt>Budget</dt>');
    expect(page).toContain('100,00 of 500,00 used, 400,00 left.');
    expect(page).toContain('1 of 10 purchases used, 9 left.');
    expect(await (await browser.get(`/console/rules/${plain}`)).text()).not.toContain('<dt>Budget</dt>');
  });
});
