import { describe, expect, it } from 'vitest';
import { compileRules, evaluate, prepare, type Receipt, type RefState, type Rule } from '../../shared/engine';
import { deepFreeze, item, NOW, receipt, ref, rule } from './helpers';

/**
 * Issue 22: the store reads the receipt once (`prepare`, for the reachable rule ids) and hands that
 * to `evaluate`. The answer must be the one `evaluate` gives on its own, and a `prepared` made from
 * another receipt object, compiled set or instant must be ignored, never trusted.
 */
const rules: Rule[] = [
  rule('A', { type: 'discount_percent', value: 10 }, { item: { items: [{ id: 'P1' }] } }),
  rule('B', { type: 'discount_amount', value: 500 }, { item: { items: [{ group_id: 'G' }] } }),
  rule('C', { type: 'discount_amount', value: 300 }),
  rule('D', { type: 'discount_percent', value: 50 }, { item: { items: [{ id: 'P9' }] } }),
];
const refs: RefState[] = rules.map((r) => ref(r.id));
const compiled = compileRules(rules);
const rcpt = deepFreeze(
  receipt([item('P1', 1000), item('P2', 2000, { groups: [{ id: 'G' }] }), item('P3', 700)], { discount_code: ['X'] }),
);
const alone = (r: Receipt, now = NOW) => evaluate({ receipt: r, rules: compiled, refs, now });

describe('prepare, then evaluate with what it read', () => {
  it('gives the answer evaluate gives alone, explain included', () => {
    const prepared = prepare(rcpt, compiled, NOW);
    expect([...prepared.ids].sort()).toEqual(['A', 'B', 'C']);
    const plain = evaluate({ receipt: rcpt, rules: compiled, refs, now: NOW, explain: { rules: ['D'] } });
    const again = evaluate({ receipt: rcpt, rules: compiled, refs, now: NOW, explain: { rules: ['D'] }, prepared });
    expect(again).toEqual(plain);
    expect(again.receipt.discounts.map((d) => d.id).sort()).toEqual(['A', 'B', 'C']);
    // Explaining D (added to evaluate's copy) does not leak into the prepared set for the next call.
    expect(evaluate({ receipt: rcpt, rules: compiled, refs, now: NOW, prepared })).toEqual(alone(rcpt));
    expect(prepared.reach.has('D')).toBe(false);
  });

  it('ignores a prepared made from another receipt, compiled set or instant', () => {
    const other = receipt([item('P9', 4000)]);
    const stale = prepare(rcpt, compiled, NOW);
    expect(evaluate({ receipt: other, rules: compiled, refs, now: NOW, prepared: stale })).toEqual(alone(other));
    const copy = structuredClone(rcpt);
    expect(evaluate({ receipt: copy, rules: compiled, refs, now: NOW, prepared: stale })).toEqual(alone(copy));
    const fewer = compileRules(rules.slice(1));
    expect(evaluate({ receipt: rcpt, rules: fewer, refs, now: NOW, prepared: stale })).toEqual(
      evaluate({ receipt: rcpt, rules: fewer, refs, now: NOW }),
    );
    // `now` decides dynamic ref windows: a prepared from another instant is read again.
    const later = '2024-06-04T12:00:00Z';
    const withOther = prepare(other, compiled, later);
    expect(evaluate({ receipt: other, rules: compiled, refs, now: NOW, prepared: withOther })).toEqual(alone(other));
  });
});
