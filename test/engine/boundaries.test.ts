// Boundaries and interactions a mutation run found untested: each case here fails when the one
// line that decides it is changed (a `>=` turned `>`, a dropped early return, gross for net).
import { describe, expect, it } from 'vitest';
import { compileRules, evaluate } from '../../shared/engine';
import { bonuses, item, lines, NOW, receipt, ref, rule, run } from './helpers';

const DAY = 86_400_000;
const at = (ms: number) => new Date(Date.parse(NOW) - ms).toISOString();
const pct = (value: number, extra: Record<string, unknown> = {}) => ({
  type: 'discount_item_percent' as const,
  value,
  ...extra,
});

describe('stamp_expire_days at its edge (engine)', () => {
  const card = rule('s', pct(100), { item: { items: [{ id: 'coffee' }] }, stamp: 2 }, { stamp_expire_days: 30 });
  const offered = (oldest: string) =>
    run([card], receipt([item('coffee', 3500)]), {
      refs: [
        ref('s', {
          customer_id: 'kari',
          stamps: [
            { at: oldest, quantity: 1 },
            { at: at(DAY), quantity: 1 },
          ],
        }),
      ],
    }).discounts.find((d) => d.id === 's')?.refs[0];

  it('a stamp exactly stamp_expire_days old at the purchase still counts', () => {
    expect(offered(at(30 * DAY))).toMatchObject({ amount: 3500, usage: 1 });
  });
  it('one millisecond older does not: the card is one stamp short', () => {
    expect(offered(at(30 * DAY + 1))).toMatchObject({ amount: 0, usage: 0, stamp: 1 });
  });
});

describe('a bonus and a discount on the same line', () => {
  // The bonus rule is older and worth more, so it is ranked and applied first.
  const bonus = rule('b', pct(100, { effect: 'bonus' }), {}, undefined, { created_at: '2023-01-01T00:00:00Z' });

  it('the bonus leaves the line whole for a discount that comes after it', () => {
    const res = run([bonus, rule('d', pct(50))], receipt([item('A', 1000)]));
    expect(bonuses(res)).toEqual([1000]);
    expect(lines(res)).toEqual([500]);
  });
  it('a "no discount yet" rule still sees a line that only has a bonus', () => {
    const noDiscount = rule('n', pct(10), {}, { discount_eligible: 'item_eligible_for_discount_no_discount' });
    expect(lines(run([bonus, noDiscount], receipt([item('A', 1000)])))).toEqual([100]);
  });
  it('a receipt_no_discount rule still applies to a receipt that only has a bonus', () => {
    const receiptRule = rule(
      'r',
      { type: 'discount_percent', value: 10 },
      {},
      { discount_eligible: 'receipt_no_discount' },
    );
    expect(lines(run([bonus, receiptRule], receipt([item('A', 1000)])))).toEqual([100]);
  });
});

describe('no line goes below zero', () => {
  it('two amount rules worth more than the line together take exactly the line', () => {
    const a = rule('a', { type: 'discount_amount', value: 700 }, {}, undefined, { created_at: '2023-01-01T00:00:00Z' });
    const b = rule('b', { type: 'discount_amount', value: 700 });
    const res = run([a, b], receipt([item('A', 1000)]));
    expect(lines(res)).toEqual([1000]);
    const byRule = Object.fromEntries(res.discounts.map((d) => [d.id, d.refs[0]?.amount]));
    expect(byRule).toEqual({ a: 700, b: 300 });
  });
  it('a line that already carries a discount gives only what is left on it', () => {
    const rc = receipt([
      item('A', 1000, { discount_lines: [{ amount: 900, discount_type: 'manual', line_id: 1 }] as never }),
    ]);
    expect(lines(run([rule('a', { type: 'discount_amount', value: 500 })], rc))).toEqual([100]);
  });
  it('a free unit priced on the gross takes only what is left of a discounted line', () => {
    const rc = receipt([
      item('A', 1000, { discount_lines: [{ amount: 900, discount_type: 'manual', line_id: 1 }] as never }),
    ]);
    const free = rule('q', { type: 'discount_item_quantity', value: 1 }, { item: { items: [{ id: 'A' }] } });
    const res = run([free], rc);
    expect(lines(res)).toEqual([100]);
    expect(res.discounts[0]?.refs[0]?.amount).toBe(100);
  });
});

describe('explain: net_amount_below', () => {
  it("`had` is the receipt's net total (gross less its discount lines), not the gross", () => {
    const r = rule('n', { type: 'discount_amount', value: 100 }, { net_amount: 50000 });
    const rc = receipt([
      item('A', 60000, { discount_lines: [{ amount: 20000, discount_type: 'manual', line_id: 1 }] as never }),
    ]);
    const res = evaluate({ receipt: rc, rules: compileRules([r]), refs: [ref('n')], now: NOW, explain: {} });
    expect(res.explanations).toEqual([
      {
        discount_id: 'n',
        applied: false,
        reason: 'net_amount_below',
        field: 'requirement.net_amount',
        needed: 50000,
        had: 40000,
      },
    ]);
  });
});
