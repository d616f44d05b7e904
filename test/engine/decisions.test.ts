import { describe, it, expect } from 'vitest';
import { compileRules, evaluate, largestRemainder, allocate } from '../../shared/engine';
import { deepFreeze, item, lines, NOW, off, pct, receipt, ref, rule, run, totals } from './helpers';

describe('Decision 1: order', () => {
  it('item rules before receipt rules; net base sees the earlier discount', () => {
    // item: 50% of A (1000) = 500; receipt: 10% net of [500, 1000] = 150 → [50, 100]
    const res = run(
      [rule('r', pct(10, { base: 'net' })), rule('i', pct(50), { item: { items: [{ id: 'A' }] } })],
      receipt([item('A', 1000), item('B', 1000)]),
    );
    expect(lines(res)).toEqual([550, 100]);
    expect(res.discounts.map((d) => [d.id, d.refs[0]?.amount])).toEqual([
      ['i', 500],
      ['r', 150],
    ]);
  });
  it('within a level the larger discount goes first; it takes at most what remains', () => {
    // both gross-based: 800 first takes 800 of 1000, then 500 can only take the remaining 200
    const res = run([rule('small', off(500)), rule('big', off(800))], receipt([item('A', 1000)]));
    expect(res.discounts.map((d) => [d.id, d.refs[0]?.amount])).toEqual([
      ['big', 800],
      ['small', 200],
    ]);
  });
  it('ties by created_at, then id', () => {
    const older = rule('z', off(600), {}, undefined, { created_at: '2023-01-01T00:00:00Z' });
    const res = run([rule('a', off(600)), older, rule('b', off(600))], receipt([item('A', 1000)]));
    expect(res.discounts.map((d) => [d.id, d.refs[0]?.amount])).toEqual([
      ['z', 600],
      ['a', 400],
    ]);
  });
});

describe('Decision 3: money', () => {
  it('largest remainder vectors', () => {
    expect(largestRemainder(299, [4300, 1400, 2300], [1, 2, 3])).toEqual([161, 52, 86]);
    expect(largestRemainder(299, [1000, 1000, 1000], [1, 2, 3])).toEqual([100, 100, 99]);
    expect(largestRemainder(93, [10, 20, 10, 30, 50, 20, 10, 40], [1, 2, 3, 4, 5, 6, 7, 8])).toEqual([
      5, 10, 5, 15, 24, 10, 5, 19,
    ]);
  });
  it('ties go to the lowest line_id, not the first position', () => {
    expect(largestRemainder(299, [1000, 1000, 1000], [3, 2, 1])).toEqual([99, 100, 100]);
  });
  it('93 over eight lines through the engine', () => {
    const grosses = [10, 20, 10, 30, 50, 20, 10, 40];
    expect(lines(run([rule('a', off(93))], receipt(grosses.map((g, i) => item(`I${i}`, g)))))).toEqual([
      5, 10, 5, 15, 24, 10, 5, 19,
    ]);
  });
  it('caps: a share above what a line has left spills over to the others', () => {
    expect(allocate(100, [100, 100], [10, 1000], [1, 2])).toEqual([10, 90]);
  });
  it('huge amounts stay exact (BigInt path)', () => {
    expect(largestRemainder(9_000_000_000_000, [3_000_000_001, 6_000_000_002, 1], [1, 2, 3])).toEqual([
      2_999_999_999_667, 5_999_999_999_333, 1_000,
    ]);
  });
});

describe('Decision 5 / purity: evaluation consumes nothing and mutates nothing', () => {
  it('frozen inputs, same answer twice', () => {
    const rules = deepFreeze([
      rule('a', pct(10)),
      rule('q', { type: 'discount_item_quantity', value: 1 }, { item: { items: [{ id: 'A' }], quantity: 3 } }),
    ]);
    const rc = deepFreeze(
      receipt([
        item('A', 300, { quantity: 3, discount_lines: [{ amount: 10, discount_type: 'manual' }] }),
        item('B', 500),
      ]),
    );
    const refs = deepFreeze([ref('a'), ref('q', { usage: 3, stamps: [{ at: '2024-01-02T00:00:00Z', quantity: 1 }] })]);
    const compiled = compileRules(rules);
    const first = evaluate({ receipt: rc, rules: compiled, refs, now: NOW });
    const second = evaluate({ receipt: rc, rules: compiled, refs, now: NOW });
    expect(second).toEqual(first);
    // buy 3 pay 2 frees one A unit (100); then 10% of gross [300, 500] = 80 → [30, 50]
    expect(lines(first.receipt)).toEqual([130, 50]);
    expect(rc.items?.[0]?.discount_lines).toHaveLength(1);
  });
});

describe('refs and line ids', () => {
  it("the customer's own ref is used before '*', then the lowest id", () => {
    const r = rule('a', off(10));
    const refs = [
      ref('a', { id: 'star' }),
      ref('a', { id: 'mine-2', kind: 'customer', customer_id: 'c1' }),
      ref('a', { id: 'mine-1', kind: 'customer', customer_id: 'c1' }),
    ];
    expect(run([r], receipt([item('A', 100)]), { refs }).discounts[0]?.refs[0]?.id).toBe('mine-1');
  });
  it('a used-up own ref falls back to the * ref', () => {
    const r = rule('a', off(10), {}, { discount_repeat_usage: 1 });
    const refs = [
      ref('a', { id: 'star' }),
      ref('a', { id: 'mine', kind: 'customer', customer_id: 'c1', usage: 1, purchases: 1 }),
    ];
    expect(run([r], receipt([item('A', 100)]), { refs }).discounts[0]?.refs[0]?.id).toBe('star');
  });
  it('missing line_id becomes index + 1', () => {
    const rc = { ...receipt([]), items: [item('A', 100), item('B', 100)] };
    const res = run([rule('a', off(11))], rc);
    expect(res.items.map((i) => i.line_id)).toEqual([1, 2]);
    expect(res.discounts[0]?.refs[0]?.items).toEqual([
      { line_id: 1, amount: 6, bonus: 0 },
      { line_id: 2, amount: 5, bonus: 0 },
    ]);
  });
  it('the ref reports claimable amount/usage and the state before the purchase', () => {
    const a = rule('a', off(10));
    const res = run([a], receipt([item('A', 100)]), { refs: [ref('a', { usage: 3, amount: 30 })] });
    // The whole rule (Dintero's DiscountRefs), with the refs this receipt uses.
    expect(res.discounts).toEqual([
      {
        ...a,
        id: 'a',
        type: 'receipt',
        refs: [
          {
            id: 'ref-a',
            amount: 10,
            stamp: 0,
            bonus: 0,
            usage: 1,
            statistics: { stamp: 0, usage: 3, amount: 30, bonus: 0, debit_balance: 0 },
            items: [{ line_id: 1, amount: 10, bonus: 0 }],
          },
        ],
      },
    ]);
    expect(res.items[0]?.discount_lines).toEqual([
      { amount: 10, discount_type: 'customer', discount_id: 'a', description: 'rule a', line_id: 1 },
    ]);
  });
  it('description is receipt_text when given', () => {
    const res = run([rule('a', off(10), {}, undefined, { receipt_text: 'Mai Salg' })], receipt([item('A', 100)]));
    expect(res.items[0]?.discount_lines[0]?.description).toBe('Mai Salg');
  });
  it('existing discount lines keep their place; new ones are numbered after them', () => {
    const res = run(
      [rule('a', off(10))],
      receipt([item('A', 100, { discount_lines: [{ amount: 5, discount_type: 'manual', line_id: 1 }] })]),
    );
    expect(res.items[0]?.discount_lines.map((d) => [d.discount_type, d.amount, d.line_id])).toEqual([
      ['manual', 5, 1],
      ['customer', 10, 2],
    ]);
  });
});

describe('index', () => {
  it('rules reachable only through a group id are found', () => {
    const rules = [
      rule('g', pct(10), { item: { items: [{ group_id: 'G' }] } }),
      rule('i', pct(20), { item: { items: [{ id: 'X' }] } }),
    ];
    expect(totals(run(rules, receipt([item('A', 1000, { groups: [{ id: 'G' }] })])))).toEqual({ g: 100 });
  });
});
