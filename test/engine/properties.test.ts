import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { compileRules, evaluate, indexRefs } from '../../shared/engine';
import type { Receipt, ReceiptItem, RefState, ResultReceipt, Reward, Rule } from '../../shared/engine';
import { REWARD_TYPES } from '../../shared/schemas/rule';
import { deepFreeze, NOW, ref, rule } from './helpers';

// ENGINE_RUNS raises the run count for a local soak (node pool only; Workers has no env here).
const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
const RUNS = Number(env?.ENGINE_RUNS ?? 200);
const IDS = ['A', 'B', 'C', 'D'];
const GROUPS = ['G', 'H'];

const patternArb = fc.oneof(
  fc.record({ id: fc.constantFrom(...IDS) }),
  fc.record({ group_id: fc.constantFrom(...GROUPS) }),
  fc.constant({ id: 'ANY_ITEM' }),
);

const rewardArb: fc.Arbitrary<Reward> = fc.record({
  type: fc.constantFrom(...REWARD_TYPES),
  value: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.constantFrom(10.5, 12.5, 33.3, 100, 150)),
  base: fc.constantFrom('gross', 'net'),
  effect: fc.constantFrom('discount', 'discount', 'bonus'),
  values: fc.oneof(
    fc.constant([]),
    fc.array(
      fc.record({
        items: fc.array(patternArb, { minLength: 1, maxLength: 2 }),
        value: fc.integer({ min: 0, max: 60 }),
      }),
      { maxLength: 2 },
    ),
  ),
}) as fc.Arbitrary<Reward>;

const ruleArb = (id: string): fc.Arbitrary<Rule> =>
  fc
    .record({
      reward: rewardArb,
      items: fc.oneof(fc.constant(undefined), fc.array(patternArb, { minLength: 1, maxLength: 3 })),
      mixes: fc.oneof(
        fc.constant(undefined),
        fc.array(
          fc.record({
            quantity: fc.integer({ min: 1, max: 2 }),
            reward_eligible: fc.boolean(),
            items: fc.array(patternArb, { minLength: 1, maxLength: 2 }),
          }),
          { minLength: 1, maxLength: 2 },
        ),
      ),
      quantity: fc.integer({ min: 0, max: 4 }),
      combination: fc.constantFrom(-1, -1, 0),
      eligible: fc.constantFrom(
        'item_eligible_for_discount',
        'item_eligible_for_discount_no_discount',
        'receipt_no_discount',
      ),
      rewardUsage: fc.constantFrom(-1, 1, 2),
      created: fc.constantFrom('2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z'),
    })
    .map((r) =>
      rule(
        id,
        r.reward,
        {
          item: {
            ...(r.items ? { items: r.items } : {}),
            ...(r.mixes ? { mixes: r.mixes } : {}),
            quantity: r.quantity,
          },
        },
        {
          discount_combination: r.combination,
          discount_eligible: r.eligible as NonNullable<Rule['limitation']>['discount_eligible'],
          discount_reward_usage: r.rewardUsage,
        },
        { created_at: r.created },
      ),
    );

const itemArb: fc.Arbitrary<ReceiptItem> = fc
  .record({
    id: fc.constantFrom(...IDS),
    groups: fc.subarray(GROUPS),
    quantity: fc.integer({ min: 1, max: 4 }),
    gross: fc.integer({ min: 0, max: 5000 }),
    rebate: fc.integer({ min: 0, max: 100 }),
    eligible: fc.constantFrom(true, true, true, false),
  })
  .map((i) => ({
    id: i.id,
    groups: i.groups.map((id) => ({ id })),
    quantity: i.quantity,
    gross_amount: i.gross,
    eligible_for_discount: i.eligible,
    discount_lines:
      i.rebate > 50 ? [{ amount: Math.floor((i.gross * (i.rebate - 50)) / 100), discount_type: 'manual' }] : [],
  }));

const caseArb = fc
  .record({
    items: fc.array(itemArb, { minLength: 1, maxLength: 8 }),
    rules: fc
      .integer({ min: 0, max: 6 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => ruleArb(`rule-${i}`)))),
    spent: fc.integer({ min: 0, max: 400 }),
  })
  .map(({ items, rules, spent }) => {
    const receipt: Receipt = {
      receipt_id: 'r',
      purchase_at: NOW,
      store: { id: 's' },
      currency: 'NOK',
      items: items.map((it, i) => ({ ...it, line_id: ((i * 7) % 11) + 1 + i * 11 })),
    };
    const refs: RefState[] = rules.map((r) => ref(r.id, { amount: spent, debit_balance: 300 }));
    return { receipt, rules: rules as Rule[], refs };
  });

function run(receipt: Receipt, rules: Rule[], refs: RefState[]): ResultReceipt {
  return evaluate({ receipt, rules: compileRules(rules), refs, now: NOW }).receipt;
}

/** Items in line_id order, so results compare across input orders. */
function canonical(res: ResultReceipt) {
  return { ...res, items: [...res.items].sort((a, b) => a.line_id - b.line_id) };
}

function shuffle<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('properties', () => {
  it("a ref's line amounts sum to its amount (and bonus to its bonus)", () => {
    let discounted = 0;
    fc.assert(
      fc.property(caseArb, ({ receipt, rules, refs }) => {
        const res = run(deepFreeze(receipt), deepFreeze(rules), deepFreeze(refs));
        if (res.is_changed) discounted++;
        for (const d of res.discounts)
          for (const r of d.refs) {
            expect(r.items.reduce((s, i) => s + i.amount, 0)).toBe(r.amount);
            expect(r.items.reduce((s, i) => s + i.bonus, 0)).toBe(r.bonus);
            for (const i of r.items) expect(Number.isInteger(i.amount) && i.amount >= 0 && i.bonus >= 0).toBe(true);
          }
      }),
      { numRuns: RUNS },
    );
    // guard against a generator that never produces a discount
    expect(discounted).toBeGreaterThan(RUNS / 3);
  });

  it("no line's discounts exceed its gross; totals never negative; discount lines match refs", () => {
    fc.assert(
      fc.property(caseArb, ({ receipt, rules, refs }) => {
        const res = run(receipt, rules, refs);
        const fromRefs = new Map<number, number>();
        for (const d of res.discounts)
          for (const r of d.refs)
            for (const i of r.items) fromRefs.set(i.line_id, (fromRefs.get(i.line_id) ?? 0) + i.amount);
        res.items.forEach((it, idx) => {
          const before = (receipt.items?.[idx]?.discount_lines ?? []).reduce((s, d) => s + (d.amount ?? 0), 0);
          const added = it.discount_lines
            .filter((d) => d.discount_type === 'customer')
            .reduce((s, d) => s + (d.amount ?? 0), 0);
          expect(added).toBe(fromRefs.get(it.line_id) ?? 0);
          expect(added).toBeGreaterThanOrEqual(0);
          expect(before + added <= Math.max(it.gross_amount ?? 0, before)).toBe(true);
          if (added > 0) expect(it.eligible_for_discount).not.toBe(false);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('results do not depend on the order of rules, refs or lines', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 1_000_000 }), ({ receipt, rules, refs }, seed) => {
        const a = canonical(run(receipt, rules, refs));
        const shuffled = { ...receipt, items: shuffle(receipt.items ?? [], seed) };
        const b = canonical(run(shuffled, shuffle(rules, seed + 1), shuffle(refs, seed + 2)));
        expect(b).toEqual(a);
      }),
      { numRuns: RUNS },
    );
  });

  it('adding a rule that cannot match changes nothing', () => {
    fc.assert(
      fc.property(
        caseArb,
        rewardArb,
        fc.constantFrom('item', 'window', 'code', 'customer'),
        ({ receipt, rules, refs }, reward, why) => {
          const req =
            why === 'item'
              ? { item: { items: [{ id: 'NOT-ON-RECEIPT' }] } }
              : why === 'window'
                ? { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2020-12-31T00:00:00Z' }
                : why === 'code'
                  ? { discount_code: 'NOPE' }
                  : { customer: { first_name: ['Nobody'] } };
          const dead = rule('zz-dead', reward, req, { discount_combination: 0 });
          expect(run(receipt, [...rules, dead], [...refs, ref('zz-dead')])).toEqual(run(receipt, rules, refs));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('refs passed pre-grouped as sharedRefs give the same result as the plain array', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 6 }), ({ receipt, rules, refs }, cut) => {
        const compiled = compileRules(rules);
        const plain = evaluate({ receipt, rules: compiled, refs, now: NOW });
        const split = evaluate({
          receipt,
          rules: compiled,
          refs: refs.slice(cut),
          sharedRefs: indexRefs(refs.slice(0, cut)),
          now: NOW,
        });
        expect(split).toEqual(plain);
      }),
      { numRuns: RUNS },
    );
  });
});
