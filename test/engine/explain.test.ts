import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRules, evaluate, REASONS } from '../../shared/engine';
import type { Explanation, Receipt, ReceiptItem, RefState, Rule } from '../../shared/engine';
import { deepFreeze, item, NOW, receipt, ref, rule } from './helpers';

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
const RUNS = Number(env?.ENGINE_RUNS ?? 200);
const IDS = ['A', 'B', 'C'];

function explain(rules: Rule[], rcpt: Receipt, refs: RefState[] = rules.map((r) => ref(r.id)), named?: string[]) {
  return evaluate({
    receipt: rcpt,
    rules: compileRules(rules),
    refs,
    now: NOW,
    explain: named ? { rules: named } : {},
  });
}

const one = (xs: Explanation[] | undefined, id: string) => xs?.find((e) => e.discount_id === id);
const amount = (value: number) => ({ type: 'discount_amount' as const, value });

describe('explain: the reasons', () => {
  it('names the threshold a 400,- receipt misses, and applies at 600,-', () => {
    const r = rule('r', amount(10000), { gross_amount: 50000 });
    const low = explain([r], receipt([item('A', 40000)]));
    expect(low.explanations).toEqual([
      {
        discount_id: 'r',
        applied: false,
        reason: 'gross_amount_below',
        field: 'requirement.gross_amount',
        needed: 50000,
        had: 40000,
      },
    ]);
    const high = explain([r], receipt([item('A', 60000)]));
    expect(high.explanations).toEqual([{ discount_id: 'r', applied: true }]);
  });

  it('receipt checks, in the order they run', () => {
    const rules = [
      rule('window', amount(100), { purchase_to: '2024-06-01T00:00:00Z' }),
      rule('inactive', amount(100), {}, undefined, { active: false }),
      rule('code', amount(100), { discount_code: 'SECRET' }),
      rule('currency', amount(100), { currencies: ['SEK'] }),
      rule('store', amount(100), { store_ids: ['other'] }),
      rule('customer', amount(100), { customer: { first_name: ['Kari'] } }),
      rule('hours', amount(100), {}, { discount_hours: { hours: [{ day: 'tue', start: '08:00', end: '09:00' }] } }),
      rule('items', amount(100), { item: { items: [{ id: 'A' }], quantity: 3 } }),
    ];
    const res = explain(rules, receipt([item('A', 1000, { quantity: 2 })]), undefined, ['inactive']);
    const reasons = Object.fromEntries((res.explanations ?? []).map((e) => [e.discount_id, e.reason]));
    expect(reasons).toEqual({
      window: 'outside_purchase_window',
      inactive: 'inactive',
      code: 'discount_code_missing',
      currency: 'currency',
      store: 'store',
      customer: 'customer_requirement',
      hours: 'outside_discount_hours',
      items: 'item_quantity',
    });
    expect(one(res.explanations, 'window')).toMatchObject({ field: 'requirement.purchase_to', had: NOW });
    expect(one(res.explanations, 'items')).toMatchObject({ field: 'requirement.item', needed: 3, had: 2 });
    expect(one(res.explanations, 'hours')).toMatchObject({ had: 'mon 14:00 Europe/Oslo' });
    // The rule's code is not revealed to whoever asks.
    expect(JSON.stringify(one(res.explanations, 'code'))).not.toContain('SECRET');
  });

  it('refs: none held, used up, or expired', () => {
    const rules = [
      rule('none', amount(100)),
      rule('used', amount(100), {}, { discount_repeat_usage: 2 }),
      rule('expired', amount(100), {}, { dynamic_purchase_to_days: 1 }),
    ];
    const refs = [ref('used', { purchases: 2 }), ref('expired', { created_at: '2024-05-01T00:00:00Z' })];
    const res = explain(rules, receipt([item('A', 1000)], { customer_id: 'c1' }), refs);
    expect(one(res.explanations, 'none')).toEqual({
      discount_id: 'none',
      applied: false,
      reason: 'no_ref_for_customer',
      field: 'customer_id',
      had: 'c1',
    });
    expect(one(res.explanations, 'used')).toMatchObject({ reason: 'usage_limit_reached', needed: 2, had: 2 });
    expect(one(res.explanations, 'expired')).toMatchObject({ reason: 'ref_expired', had: '2024-05-01T00:00:00Z' });
  });

  it('activation, exclusivity, stamps and nothing left', () => {
    const base = rule('base', amount(100));
    const off = rule(
      'off',
      amount(50),
      {},
      { discount_activation: [{ type: 'deactivate_if_discount_active', value: 'base' }] },
    );
    const exclusive = rule(
      'exclusive',
      amount(900),
      {},
      { discount_combination: 0 },
      { created_at: '2024-02-01T00:00:00Z' },
    );
    const stamps = rule('stamps', amount(100), { stamp: 3 });
    const res = explain([base, off, exclusive, stamps], receipt([item('A', 1000)]));
    expect(one(res.explanations, 'off')).toMatchObject({ reason: 'deactivated_by', had: ['base'] });
    expect(one(res.explanations, 'exclusive')).toEqual({ discount_id: 'exclusive', applied: true });
    expect(one(res.explanations, 'base')).toMatchObject({ reason: 'lost_to_exclusive', had: 'exclusive' });
    // A stamp card collecting on this purchase is in discounts[]: applied, with what it still needs.
    expect(one(res.explanations, 'stamps')).toEqual({
      discount_id: 'stamps',
      applied: true,
      reason: 'stamps_collecting',
      field: 'requirement.stamp',
      needed: 3,
      had: 0,
    });
    expect(res.receipt.discounts.map((d) => d.id).sort()).toEqual(['exclusive', 'stamps']);

    const small = rule('small', amount(10), {}, { discount_combination: 0 });
    const big = rule('big', amount(1000));
    const full = rule('full', amount(10), {}, undefined, { created_at: '2024-03-01T00:00:00Z' });
    const res2 = explain([small, big, full], receipt([item('A', 1000)]));
    expect(one(res2.explanations, 'small')).toMatchObject({ reason: 'exclusive_not_best', had: ['big'] });
    expect(one(res2.explanations, 'full')).toMatchObject({ reason: 'nothing_left_to_discount' });
  });

  it('explains named rules the receipt cannot reach, and unknown ids', () => {
    const r = rule('garden', amount(100), { item: { items: [{ group_id: 'garden' }] } });
    const res = explain([r], receipt([item('A', 1000)]), undefined, ['garden', 'nope']);
    expect(res.explanations).toEqual([
      {
        discount_id: 'garden',
        applied: false,
        reason: 'item_quantity',
        field: 'requirement.item',
        needed: 0.001,
        had: 0,
      },
      { discount_id: 'nope', applied: false, reason: 'unknown_rule', field: 'explain_rules', had: 'nope' },
    ]);
    expect(explain([r], receipt([item('A', 1000)])).explanations).toEqual([]);
  });
});

// Random accounts: rules with thresholds, windows, limits, activation, exclusivity and stamp cards,
// refs that are missing, used up or holding stamps, and receipts with codes and existing discounts.
const patternArb = fc.oneof(fc.record({ id: fc.constantFrom(...IDS) }), fc.record({ group_id: fc.constant('G') }));
const ruleArb = (id: string, others: string[]): fc.Arbitrary<{ rule: Rule; ref: RefState | null }> =>
  fc
    .record({
      type: fc.constantFrom('discount_amount', 'discount_percent', 'discount_item_quantity', 'discount_debit'),
      value: fc.integer({ min: 0, max: 1500 }),
      items: fc.oneof(fc.constant(undefined), fc.array(patternArb, { minLength: 1, maxLength: 2 })),
      quantity: fc.integer({ min: 0, max: 3 }),
      gross: fc.constantFrom(0, 0, 1500, 4000),
      active: fc.constantFrom(true, true, true, false),
      ended: fc.constantFrom(false, false, false, true),
      code: fc.constantFrom(undefined, undefined, 'X'),
      combination: fc.constantFrom(-1, -1, 0),
      eligible: fc.constantFrom(
        'item_eligible_for_discount',
        'item_eligible_for_discount_no_discount',
        'receipt_no_discount',
      ),
      repeat: fc.constantFrom(-1, -1, 1),
      purchases: fc.constantFrom(0, 0, 1),
      deactivatedBy: fc.oneof(fc.constant(undefined), fc.constantFrom(...(others.length ? others : ['x']))),
      stamp: fc.constantFrom(0, 0, 0, 2),
      stamps: fc.integer({ min: 0, max: 5 }),
      hasRef: fc.constantFrom(true, true, true, false),
      created: fc.constantFrom('2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z'),
    })
    .map((r) => {
      const value = r.type === 'discount_percent' ? Math.min(r.value, 100) : r.value;
      const built = rule(
        id,
        { type: r.type as Rule['reward']['type'], value },
        {
          item: { ...(r.items ? { items: r.items } : {}), quantity: r.quantity },
          gross_amount: r.gross,
          ...(r.ended ? { purchase_to: '2024-05-01T00:00:00Z' } : {}),
          ...(r.code ? { discount_code: r.code } : {}),
          ...(r.stamp ? { stamp: r.stamp } : {}),
        },
        {
          discount_combination: r.combination,
          discount_eligible: r.eligible as NonNullable<Rule['limitation']>['discount_eligible'],
          discount_repeat_usage: r.repeat,
          ...(r.deactivatedBy
            ? { discount_activation: [{ type: 'deactivate_if_discount_active', value: r.deactivatedBy }] }
            : {}),
        },
        { active: r.active, created_at: r.created },
      );
      const held = ref(id, {
        purchases: r.purchases,
        debit_balance: 300,
        stamps: r.stamps ? [{ at: '2024-06-01T00:00:00Z', quantity: r.stamps }] : [],
      });
      return { rule: built, ref: r.hasRef ? held : null };
    });

const itemArb: fc.Arbitrary<ReceiptItem> = fc
  .record({
    id: fc.constantFrom(...IDS, 'Z'),
    group: fc.boolean(),
    quantity: fc.integer({ min: 1, max: 3 }),
    gross: fc.integer({ min: 0, max: 3000 }),
    manual: fc.constantFrom(0, 0, 0, 100),
  })
  .map((i) => ({
    id: i.id,
    groups: i.group ? [{ id: 'G' }] : [],
    quantity: i.quantity,
    gross_amount: i.gross,
    discount_lines: i.manual ? [{ amount: Math.min(i.manual, i.gross), discount_type: 'manual' }] : [],
  }));

const caseArb = fc
  .integer({ min: 0, max: 6 })
  .chain((n) => {
    const ids = Array.from({ length: n }, (_, i) => `rule-${i}`);
    return fc.record({
      rules: fc.tuple(
        ...ids.map((id) =>
          ruleArb(
            id,
            ids.filter((x) => x !== id),
          ),
        ),
      ),
      items: fc.array(itemArb, { minLength: 1, maxLength: 5 }),
      codes: fc.constantFrom([], ['X']),
      named: fc.subarray([...ids, 'unknown-rule']),
    });
  })
  .map(({ rules, items, codes, named }) => ({
    rules: rules.map((r) => r.rule),
    refs: rules.flatMap((r) => (r.ref ? [r.ref] : [])),
    receipt: receipt(items, { discount_code: [...codes] }),
    named,
  }));

describe('explain: properties', () => {
  it('a rule explained as applied is exactly a rule in discounts[]; explaining changes nothing', () => {
    let applied = 0;
    let refused = 0;
    fc.assert(
      fc.property(caseArb, ({ rules, refs, receipt: rcpt, named }) => {
        const compiled = compileRules(deepFreeze(rules));
        const input = { receipt: deepFreeze(rcpt), rules: compiled, refs: deepFreeze(refs), now: NOW };
        const plain = evaluate(input);
        const explained = evaluate({ ...input, explain: { rules: named } });
        expect(explained.receipt).toEqual(plain.receipt);
        expect(plain.explanations).toBeUndefined();
        const xs = explained.explanations ?? [];
        const appliedIds = xs.filter((e) => e.applied).map((e) => e.discount_id);
        expect(new Set(appliedIds)).toEqual(new Set(plain.receipt.discounts.map((d) => d.id)));
        expect(new Set(xs.map((e) => e.discount_id)).size).toBe(xs.length);
        for (const id of named) expect(xs.some((e) => e.discount_id === id)).toBe(true);
        for (const e of xs) {
          if (!e.applied) expect(REASONS).toContain(e.reason);
          else if (e.reason !== undefined) expect(e.reason).toBe('stamps_collecting');
        }
        applied += appliedIds.length;
        refused += xs.length - appliedIds.length;
      }),
      { numRuns: RUNS },
    );
    // The generator must exercise both sides.
    expect(applied).toBeGreaterThan(RUNS / 4);
    expect(refused).toBeGreaterThan(RUNS / 4);
  });
});
