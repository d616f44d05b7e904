import { describe, it, expect } from 'vitest';
import { item, lines, off, pct, receipt, ref, rule, run, totals } from './helpers';

const rebate = (amount: number) => ({ discount_lines: [{ amount, discount_type: 'manual' }] });

describe('discount_reward_usage', () => {
  const r = (usage?: number) =>
    rule(
      'q',
      { type: 'discount_item_quantity', value: 1 },
      { item: { items: [{ id: 'A' }], quantity: 3 } },
      usage === undefined ? undefined : { discount_reward_usage: usage },
    );
  const seven = receipt([item('A', 700, { quantity: 7 })]);
  it('-1 / absent: unlimited (2 free of 7)', () => {
    expect(lines(run([r(-1)], seven))).toEqual([200]);
    expect(lines(run([r()], seven))).toEqual([200]);
  });
  it('1: once per purchase (1 free of 7)', () => {
    expect(lines(run([r(1)], seven))).toEqual([100]);
  });
});

describe('discount_repeat_usage (a used-up ref is not offered)', () => {
  const r = rule('u', off(100), {}, { discount_repeat_usage: 2 });
  it('purchases below the limit: offered', () => {
    expect(lines(run([r], receipt([item('A', 1000)]), { refs: [ref('u', { usage: 1, purchases: 1 })] }))).toEqual([
      100,
    ]);
  });
  it('purchases at the limit: not offered', () => {
    expect(lines(run([r], receipt([item('A', 1000)]), { refs: [ref('u', { usage: 2, purchases: 2 })] }))).toEqual([0]);
  });
  it('counts purchases, not rewards: one buy-3-pay-2 purchase that took 2 rewards leaves one purchase', () => {
    const b3p2 = rule(
      'q',
      { type: 'discount_item_quantity', value: 1 },
      { item: { items: [{ id: 'A' }], quantity: 3 } },
      { discount_repeat_usage: 2 },
    );
    const seven = receipt([item('A', 700, { quantity: 7 })]);
    expect(lines(run([b3p2], seven, { refs: [ref('q', { usage: 2, purchases: 1 })] }))).toEqual([200]);
    expect(lines(run([b3p2], seven, { refs: [ref('q', { usage: 4, purchases: 2 })] }))).toEqual([0]);
  });
});

describe('discount_combination (Decision 2)', () => {
  const rc = receipt([item('A', 1000), item('B', 1000)]);
  const combA = rule('a', pct(10), { item: { items: [{ id: 'A' }] } });
  const combB = rule('b', pct(15), { item: { items: [{ id: 'B' }] } });
  it('exclusive rule alone (300) beats the combinable set (100 + 150)', () => {
    const excl = rule('x', off(300), {}, { discount_combination: 0 });
    expect(totals(run([combA, combB, excl], rc))).toEqual({ x: 300 });
    expect(lines(run([combA, combB, excl], rc))).toEqual([150, 150]);
  });
  it('combinable set (250) beats the exclusive rule (200); tie goes to the combinable set', () => {
    expect(totals(run([combA, combB, rule('x', off(200), {}, { discount_combination: 0 })], rc))).toEqual({
      b: 150,
      a: 100,
    });
    expect(totals(run([combA, combB, rule('x', off(250), {}, { discount_combination: 0 })], rc))).toEqual({
      b: 150,
      a: 100,
    });
  });
  it('two exclusive rules never combine: the larger wins', () => {
    const x = rule('x', off(300), {}, { discount_combination: 0 });
    const y = rule('y', off(400), {}, { discount_combination: 0 });
    expect(totals(run([x, y], rc))).toEqual({ y: 400 });
  });
  it('-1 combines', () => {
    expect(totals(run([combA, rule('c', off(100), {}, { discount_combination: -1 })], rc))).toEqual({ a: 100, c: 100 });
  });
});

describe('discount_eligible', () => {
  const rc = () => receipt([item('A', 1000, rebate(100)), item('B', 1000)]);
  it('item_eligible_for_discount (default): every eligible line', () => {
    expect(lines(run([rule('e', pct(10), {}, { discount_eligible: 'item_eligible_for_discount' })], rc()))).toEqual([
      100, 100,
    ]);
  });
  it('item_eligible_for_discount_no_discount: only lines without discount_lines', () => {
    expect(
      lines(run([rule('e', pct(10), {}, { discount_eligible: 'item_eligible_for_discount_no_discount' })], rc())),
    ).toEqual([0, 100]);
  });
  it('receipt_no_discount: nothing when any line has a discount, else applies', () => {
    const r = rule('e', pct(10), {}, { discount_eligible: 'receipt_no_discount' });
    expect(lines(run([r], rc()))).toEqual([0, 0]);
    expect(lines(run([r], receipt([item('A', 1000), item('B', 1000)])))).toEqual([100, 100]);
  });
  it('discounts given earlier in the same evaluation count (item rule first, then receipt rule)', () => {
    const itemRule = rule('i', pct(50), { item: { items: [{ id: 'A' }] } });
    const r = rule('e', pct(10), {}, { discount_eligible: 'item_eligible_for_discount_no_discount' });
    expect(lines(run([itemRule, r], receipt([item('A', 1000), item('B', 1000)])))).toEqual([500, 100]);
  });
});

describe('dynamic_purchase_to_days', () => {
  const r = (days: number) => rule('d', pct(10), {}, { dynamic_purchase_to_days: days });
  const held = ref('d', { created_at: '2024-06-01T12:00:00Z' }); // 2 days before NOW
  it('ref created 2 days ago, 3 days: usable', () => {
    expect(lines(run([r(3)], receipt([item('A', 1000)]), { refs: [held] }))).toEqual([100]);
  });
  it('ref created 2 days ago, 1 day: expired', () => {
    expect(lines(run([r(1)], receipt([item('A', 1000)]), { refs: [held] }))).toEqual([0]);
  });
  it('a backdated receipt does not revive an expired ref (now is checked too)', () => {
    const early = receipt([item('A', 1000)], { purchase_at: '2024-06-01T13:00:00Z' });
    expect(lines(run([r(1)], early, { refs: [held] }))).toEqual([0]);
    expect(lines(run([r(1)], early, { refs: [held], now: '2024-06-02T11:00:00Z' }))).toEqual([100]);
  });
});

describe('blacklist', () => {
  const r = rule('b', pct(10), { item: { items: [{ group_id: 'G' }] } }, { blacklist: [{ id: 'A' }] });
  const g = [{ id: 'G' }];
  it('blacklisted lines are never discounted', () => {
    expect(lines(run([r], receipt([item('A', 1000, { groups: g }), item('B', 1000, { groups: g })])))).toEqual([
      0, 100,
    ]);
  });
  it('without the blacklisted item the rule is unaffected; with only it nothing applies', () => {
    expect(lines(run([r], receipt([item('B', 500, { groups: g })])))).toEqual([50]);
    expect(lines(run([r], receipt([item('A', 1000, { groups: g })])))).toEqual([0]);
  });
});

describe('discount_activation (deactivate_if_discount_active)', () => {
  const x = rule('x', pct(10), {}, { discount_activation: [{ type: 'deactivate_if_discount_active', value: 'y' }] });
  const y = rule('y', off(50), { item: { items: [{ id: 'A' }] } });
  it('drops out when the other rule qualifies', () => {
    expect(totals(run([x, y], receipt([item('A', 1000)])))).toEqual({ y: 50 });
  });
  it('applies when the other rule does not qualify', () => {
    expect(totals(run([x, y], receipt([item('B', 1000)])))).toEqual({ x: 100 });
  });
});
