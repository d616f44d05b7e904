// No sequence of claims and releases ever passes a budget (docs/budgets.md): random claims of
// random amounts over two rules (one with its own budget) of a budgeted campaign, random releases;
// after every step what storage says is used equals a model of the live claims, and never passes
// a cap, and a claim is accepted exactly when the model says it fits.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const FAILED = '__rabatt_failed__';
const CAMPAIGN = { budget_amount: 10_000, budget_usage: 4 };
const RULE0 = { budget_amount: 7_000 };
const window = { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' };

type Op =
  | { kind: 'claim'; parts: { rule: 0 | 1; amount: number; usage: number }[] }
  | { kind: 'release'; pick: number };

const part = fc.record({
  rule: fc.constantFrom(0 as const, 1 as const),
  amount: fc.integer({ min: 0, max: 12 }).map((x) => x * 500),
  usage: fc.integer({ min: 0, max: 2 }),
});
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('claim' as const),
      parts: fc.uniqueArray(part, { minLength: 1, maxLength: 2, selector: (p) => p.rule }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
);

describe('budgets under any claim sequence', { timeout: 120_000 }, () => {
  it('never passes a cap and always equals the live claims', async () => {
    const stub = env.ACCOUNTS.getByName('T23200031') as any;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 20 }), async (ops) => {
        run++;
        const cid = `prop-${run}`;
        await stub.createCampaign({ campaign_id: cid, name: cid, limitation: CAMPAIGN }, 'prop');
        const rules: string[] = [];
        const refs: string[] = [];
        for (const limitation of [RULE0, undefined]) {
          const rule = await stub.createRule(
            {
              requirement: window,
              reward: { type: 'discount_amount', value: 100 },
              campaign_id: cid,
              ...(limitation && { limitation }),
            },
            'prop',
          );
          rules.push(rule.id);
          refs.push((await stub.giveRule(rule.id, { customers: ['*'] }, 'prop')).refs[0].id);
        }
        const live: { id: string; amount: number; purchase: boolean; rule0: number }[] = [];
        for (const o of ops) {
          if (o.kind === 'release') {
            if (live.length === 0) continue;
            const [gone] = live.splice(o.pick % live.length, 1);
            await stub.releaseClaim(gone!.id, 'prop');
          } else {
            const parts = o.parts.map((p) => ({ ...p, usage: p.amount > 0 ? Math.max(p.usage, 1) : p.usage }));
            const amount = parts.reduce((s, p) => s + p.amount, 0);
            const rule0 = parts.filter((p) => p.rule === 0).reduce((s, p) => s + p.amount, 0);
            const purchase = parts.some((p) => p.usage > 0);
            const usedAmount = live.reduce((s, c) => s + c.amount, 0);
            const usedRule0 = live.reduce((s, c) => s + c.rule0, 0);
            const purchases = live.filter((c) => c.purchase).length;
            const fits =
              usedAmount + amount <= CAMPAIGN.budget_amount &&
              usedRule0 + rule0 <= RULE0.budget_amount &&
              purchases + (purchase ? 1 : 0) <= CAMPAIGN.budget_usage;
            const res = await stub.createClaim(
              {
                purchase_at: new Date().toISOString(),
                customer_id: 'kari',
                discounts: parts.map((p) => ({
                  id: rules[p.rule],
                  refs: [{ id: refs[p.rule], amount: p.amount, usage: p.usage, stamp: 0 }],
                })),
              },
              null,
              `h-${Math.random()}`,
              'prop',
            );
            expect(FAILED in res ? 'refused' : 'accepted').toBe(fits ? 'accepted' : 'refused');
            if (!(FAILED in res)) live.push({ id: res.claim.id, amount, purchase, rule0 });
          }
          const campaign = await stub.getCampaign(cid);
          const rule0 = await stub.getRule(rules[0], false);
          const usedAmount = live.reduce((s, c) => s + c.amount, 0);
          expect(campaign.budget.amount.used).toBe(usedAmount);
          expect(campaign.budget.amount.used).toBeLessThanOrEqual(CAMPAIGN.budget_amount);
          expect(campaign.budget.usage.used).toBe(live.filter((c) => c.purchase).length);
          expect(campaign.budget.usage.used).toBeLessThanOrEqual(CAMPAIGN.budget_usage);
          expect(rule0.budget.amount.used).toBe(live.reduce((s, c) => s + c.rule0, 0));
          expect(rule0.budget.amount.used).toBeLessThanOrEqual(RULE0.budget_amount);
        }
      }),
      { numRuns: 15 },
    );
  });
});
