// Budgets in the pure engine (docs/budgets.md): what is left is an input; an amount is cut to it and
// the cut spread by largest remainder; rules sharing a budget share the remainder; nothing left or
// no purchase left means the rule is not offered, and explain says budget_exhausted.
import { describe, expect, it } from 'vitest';
import { compileRules, evaluate } from '../../shared/engine';
import type { BudgetLeft } from '../../shared/engine/budgets';
import { item, NOW, receipt, ref, rule } from './helpers';

const amountOff = (id: string, value: number, items?: string[]) =>
  rule(id, { type: 'discount_amount', value }, items ? { item: { items: items.map((i) => ({ id: i })) } } : {});

function run(rules: ReturnType<typeof amountOff>[], budgets: Record<string, BudgetLeft[]>, items = [item('A', 3000)]) {
  return evaluate({
    receipt: receipt(items),
    rules: compileRules(rules),
    refs: rules.map((r) => ref(r.id)),
    now: NOW,
    budgets: new Map(Object.entries(budgets)),
    explain: {},
  });
}

const campaign = (amount?: number, usage?: number): BudgetLeft => ({
  key: 'campaign:c',
  field: 'campaign.limitation',
  ...(amount !== undefined && { amount }),
  ...(usage !== undefined && { usage }),
});

describe('engine budgets', () => {
  it('cuts an amount to what is left and spreads the cut over the lines', () => {
    const r = run([amountOff('x', 299)], { x: [{ key: 'rule:x', field: 'limitation', amount: 100 }] }, [
      item('A', 1000),
      item('B', 1000),
      item('C', 1000),
    ]);
    expect(r.receipt.discounts[0]!.refs[0]!.amount).toBe(100);
    expect(r.receipt.items.map((i) => i.discount_lines[0]?.amount ?? 0)).toEqual([34, 33, 33]);
  });

  it('exactly what is left is offered whole; one less is cut', () => {
    expect(run([amountOff('x', 500)], { x: [campaign(500)] }).receipt.discounts[0]!.refs[0]!.amount).toBe(500);
    expect(run([amountOff('x', 500)], { x: [campaign(499)] }).receipt.discounts[0]!.refs[0]!.amount).toBe(499);
  });

  it('rules of one campaign share its remainder; the second is told budget_exhausted when nothing is left', () => {
    const rules = [amountOff('big', 800, ['A']), amountOff('small', 300, ['A'])];
    const shared = run(rules, { big: [campaign(1000)], small: [campaign(1000)] });
    expect(shared.receipt.discounts.map((d) => [d.id, d.refs[0]!.amount])).toEqual([
      ['big', 800],
      ['small', 200],
    ]);
    const used = run(rules, { big: [campaign(800)], small: [campaign(800)] });
    expect(used.receipt.discounts.map((d) => d.id)).toEqual(['big']);
    expect(used.explanations).toContainEqual(
      expect.objectContaining({
        discount_id: 'small',
        reason: 'budget_exhausted',
        field: 'campaign.limitation.budget_amount',
      }),
    );
  });

  it('no purchase left is not offered; one purchase left serves every rule of the campaign in it', () => {
    const rules = [amountOff('a', 100), amountOff('b', 100)];
    const none = run(rules, { a: [campaign(undefined, 0)], b: [campaign(undefined, 0)] });
    expect(none.receipt.discounts).toEqual([]);
    expect(none.explanations?.map((e) => e.reason)).toEqual(['budget_exhausted', 'budget_exhausted']);
    expect(none.explanations?.[0]?.field).toBe('campaign.limitation.budget_usage');
    const one = run(rules, { a: [campaign(undefined, 1)], b: [campaign(undefined, 1)] });
    expect(one.receipt.discounts.map((d) => d.refs[0]!.amount)).toEqual([100, 100]);
  });

  it('a rule without budgets is untouched by other rules budgets', () => {
    const r = run([amountOff('a', 100), amountOff('b', 100)], { a: [campaign(0)] });
    expect(r.receipt.discounts.map((d) => d.id)).toEqual(['b']);
  });
});
