import { describe, it, expect } from 'vitest';
import { bonuses, item, lines, off, pct, receipt, ref, rule, run, totals } from './helpers';

const rebate = (amount: number) => ({ discount_lines: [{ amount, discount_type: 'manual' }] });

describe('discount_amount', () => {
  it('splits over the lines by largest remainder: 299 over [4300,1400,2300] → [161,52,86]', () => {
    expect(lines(run([rule('a', off(299))], receipt([item('A', 4300), item('B', 1400), item('C', 2300)])))).toEqual([
      161, 52, 86,
    ]);
  });
  it('299 over three equal lines → [100,100,99]', () => {
    expect(lines(run([rule('a', off(299))], receipt([item('A', 1000), item('B', 1000), item('C', 1000)])))).toEqual([
      100, 100, 99,
    ]);
  });
  it('never more than the lines have: 5000 off 1200 → 1200', () => {
    expect(lines(run([rule('a', off(5000))], receipt([item('A', 1000), item('B', 200)])))).toEqual([1000, 200]);
  });
  it('item rule with item.quantity repeats per quantity: 50 off per 2 A on 5 A → 100', () => {
    const r = rule('a', off(50), { item: { items: [{ id: 'A' }], quantity: 2 } });
    expect(lines(run([r], receipt([item('A', 500, { quantity: 5 }), item('B', 100)])))).toEqual([100, 0]);
  });
});

describe('discount_percent', () => {
  it('computes exactly: 10.5% of 1000 → 105, of 10 → 1 (1.05), 12.5% of 100 → 13 (half up)', () => {
    expect(lines(run([rule('p', pct(10.5))], receipt([item('A', 1000)])))).toEqual([105]);
    expect(lines(run([rule('p', pct(10.5))], receipt([item('A', 10)])))).toEqual([1]);
    expect(lines(run([rule('p', pct(12.5))], receipt([item('A', 100)])))).toEqual([13]);
    // 0.1 + 0.2 style float trap: 33.3% of 3 = 0.999 → 1; 14.35% of 1000 = 143.5 → 144
    expect(lines(run([rule('p', pct(33.3))], receipt([item('A', 3)])))).toEqual([1]);
    expect(lines(run([rule('p', pct(14.35))], receipt([item('A', 1000)])))).toEqual([144]);
  });
  it('base: 100 with an existing 20 rebate at 10% → 8 (net) and 10 (gross)', () => {
    expect(lines(run([rule('p', pct(10, { base: 'net' }))], receipt([item('A', 100, rebate(20))])))).toEqual([8]);
    expect(lines(run([rule('p', pct(10, { base: 'gross' }))], receipt([item('A', 100, rebate(20))])))).toEqual([10]);
    expect(lines(run([rule('p', pct(10))], receipt([item('A', 100, rebate(20))])))).toEqual([10]);
  });
  it('once over several lines, then split: 10% of [1000, 505] → 151 → [100, 51]', () => {
    expect(lines(run([rule('p', pct(10))], receipt([item('A', 1000), item('B', 505)])))).toEqual([100, 51]);
  });
  it('values override per item: 20% on A, default 10% on B', () => {
    const r = rule('p', pct(10, { values: [{ items: [{ id: 'A' }], value: 20 }] }));
    const res = run([r], receipt([item('A', 1000), item('B', 1000)]));
    expect(lines(res)).toEqual([200, 100]);
    expect(res.items.map((i) => i.discount_lines[0]?.percentage)).toEqual([20, 10]);
  });
  it('effect bonus: amount goes to bonus_lines and ref.bonus, price untouched', () => {
    const res = run([rule('p', pct(10, { effect: 'bonus' }))], receipt([item('A', 1000)]));
    expect(lines(res)).toEqual([0]);
    expect(bonuses(res)).toEqual([100]);
    expect(res.discounts[0]?.refs[0]).toMatchObject({
      amount: 0,
      bonus: 100,
      items: [{ line_id: 1, amount: 0, bonus: 100 }],
    });
  });
});

describe('discount_item_new_price', () => {
  const r = rule('n', { type: 'discount_item_new_price', value: 100 }, { item: { items: [{ id: 'A' }] } });
  it('matching units cost value each: 2 × 150 → 2 × 100, discount 100', () => {
    expect(lines(run([r], receipt([item('A', 300, { quantity: 2 }), item('B', 500)])))).toEqual([100, 0]);
  });
  it('no discount when the item already costs less than the new price', () => {
    expect(lines(run([r], receipt([item('A', 90)])))).toEqual([0]);
  });
  it('values override: A at 100, B at 50', () => {
    const v = rule(
      'n',
      { type: 'discount_item_new_price', value: 100, values: [{ items: [{ id: 'B' }], value: 50 }] },
      { item: { items: [{ id: 'A' }, { id: 'B' }] } },
    );
    expect(lines(run([v], receipt([item('A', 300), item('B', 300)])))).toEqual([200, 250]);
  });
});

describe('discount_item_quantity ("buy 3 pay 2" = item.quantity 3, value 1)', () => {
  const b3p2 = (lim?: object) =>
    rule('q', { type: 'discount_item_quantity', value: 1 }, { item: { items: [{ id: 'A' }], quantity: 3 } }, lim);
  const units = (n: number) => receipt([item('A', 100 * n, { quantity: n })]);
  it('3 units → 1 free (100)', () => {
    expect(lines(run([b3p2()], units(3)))).toEqual([100]);
    expect(lines(run([b3p2({ discount_reward_usage: 1 })], units(3)))).toEqual([100]);
  });
  it('7 units → 2 free (200) without discount_reward_usage; usage 2', () => {
    const res = run([b3p2()], units(7));
    expect(lines(res)).toEqual([200]);
    expect(res.discounts[0]?.refs[0]?.usage).toBe(2);
  });
  it('7 units with discount_reward_usage 1 → 1 free (100)', () => {
    expect(lines(run([b3p2({ discount_reward_usage: 1 })], units(7)))).toEqual([100]);
  });
  it('2 units → nothing', () => {
    expect(lines(run([b3p2()], units(2)))).toEqual([0]);
  });
  it('the cheapest units are free (Decision 4), ties to the lowest line_id', () => {
    const r = rule(
      'q',
      { type: 'discount_item_quantity', value: 1 },
      { item: { items: [{ group_id: 'G' }], quantity: 3 } },
    );
    const g = [{ id: 'G' }];
    expect(
      lines(
        run(
          [r],
          receipt([
            item('X', 600, { quantity: 2, groups: g }),
            item('Y', 250, { groups: g }),
            item('Z', 250, { groups: g }),
          ]),
        ),
      ),
    ).toEqual([0, 250, 0]);
  });
});

describe('discount_item_percent (value % off the cheapest matching item)', () => {
  const r = rule('c', { type: 'discount_item_percent', value: 50 }, { item: { items: [{ group_id: 'G' }] } });
  const g = [{ id: 'G' }];
  it('50% off the cheapest unit: [300, 2×200] → 100 off line 2', () => {
    expect(
      lines(run([r], receipt([item('X', 300, { groups: g }), item('Y', 400, { quantity: 2, groups: g })]))),
    ).toEqual([0, 100]);
  });
  it('no matching item → nothing', () => {
    expect(lines(run([r], receipt([item('X', 300)])))).toEqual([0]);
  });
});

describe('discount_mix_new_price (reward-eligible mix lines cost value together)', () => {
  const r = rule(
    'm',
    { type: 'discount_mix_new_price', value: 100 },
    {
      item: {
        mixes: [
          { quantity: 1, items: [{ group_id: 'BURGER' }] },
          { quantity: 1, items: [{ group_id: 'DRINK' }] },
        ],
      },
    },
  );
  it('burger 120 + drink 40 for 100 → 60 off, split [45, 15]', () => {
    const res = run(
      [r],
      receipt([
        item('B', 120, { groups: [{ id: 'BURGER' }] }),
        item('D', 40, { groups: [{ id: 'DRINK' }] }),
        item('X', 500),
      ]),
    );
    expect(lines(res)).toEqual([45, 15, 0]);
  });
  it('no discount when the lines already cost less than value', () => {
    expect(
      lines(
        run(
          [r],
          receipt([item('B', 60, { groups: [{ id: 'BURGER' }] }), item('D', 30, { groups: [{ id: 'DRINK' }] })]),
        ),
      ),
    ).toEqual([0, 0]);
  });
  it('two bundles when each mix has two units: 2×(120+40) for 2×100 → 120', () => {
    const res = run(
      [r],
      receipt([
        item('B', 240, { quantity: 2, groups: [{ id: 'BURGER' }] }),
        item('D', 80, { quantity: 2, groups: [{ id: 'DRINK' }] }),
      ]),
    );
    expect(lines(res)).toEqual([90, 30]);
    expect(res.discounts[0]?.refs[0]?.usage).toBe(2);
  });
});

describe('discount_debit', () => {
  const r = rule('d', { type: 'discount_debit', value: 500 });
  it('a never-debited ref starts at reward.value: 500 on a 300 receipt → 300, 200 stays', () => {
    const res = run([r], receipt([item('A', 300)]));
    expect(lines(res)).toEqual([300]);
    expect(res.discounts[0]?.refs[0]).toMatchObject({ amount: 300, statistics: { debit_balance: 500 } });
  });
  it('afterwards debit_balance is what is left: 50 → 50 off', () => {
    expect(
      lines(run([r], receipt([item('A', 300)]), { refs: [ref('d', { amount: 450, debit_balance: 50, usage: 1 })] })),
    ).toEqual([50]);
  });
  it('an empty balance gives nothing', () => {
    expect(
      totals(run([r], receipt([item('A', 300)]), { refs: [ref('d', { amount: 500, debit_balance: 0, usage: 2 })] })),
    ).toEqual({});
  });
});
