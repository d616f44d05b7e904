import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileRules, evaluate, recompileRule, type CompiledRules } from '../../shared/engine';
import type { ItemPattern, Rule } from '../../shared/engine';
import { item, NOW, pct, receipt, ref, rule } from './helpers';

// After any sequence of rule writes, the compiled set kept up to date one rule at a time equals a
// full compile of the live rules: same rules, same index entries (order within a list aside).

const RUNS = 300;
const IDS = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];

const patternArb: fc.Arbitrary<ItemPattern> = fc.oneof(
  fc.record({ id: fc.constantFrom('A', 'B', 'C') }),
  fc.record({ group_id: fc.constantFrom('G', 'H') }),
  fc.constant({ id: 'ANY_ITEM' }),
  fc.constant({ id: '*' }),
  fc.constant({}),
);

const bodyArb = (id: string): fc.Arbitrary<Rule> =>
  fc
    .record({
      items: fc.oneof(fc.constant(undefined), fc.array(patternArb, { minLength: 1, maxLength: 3 })),
      mixes: fc.oneof(
        fc.constant(undefined),
        fc.array(fc.record({ quantity: fc.constant(1), items: fc.array(patternArb, { minLength: 1, maxLength: 2 }) }), {
          minLength: 1,
          maxLength: 2,
        }),
      ),
      active: fc.boolean(),
      value: fc.integer({ min: 1, max: 50 }),
    })
    .map(({ items, mixes, active, value }) =>
      rule(id, pct(value), { item: { ...(items && { items }), ...(mixes && { mixes }) } }, undefined, {
        active,
        created_at: `2024-01-0${(value % 9) + 1}T00:00:00Z`,
      }),
    );

type Write =
  | { op: 'put'; rule: Rule }
  | { op: 'delete'; id: string }
  | { op: 'archive'; id: string }
  | { op: 'unarchive'; id: string };

const writeArb: fc.Arbitrary<Write> = fc
  .constantFrom(...IDS)
  .chain((id) =>
    fc.oneof(
      { weight: 3, arbitrary: bodyArb(id).map((r): Write => ({ op: 'put', rule: r })) },
      fc.constant<Write>({ op: 'delete', id }),
      fc.constant<Write>({ op: 'archive', id }),
      fc.constant<Write>({ op: 'unarchive', id }),
    ),
  );

/** What storage holds: rules in creation order (seq), each deleted, archived or live. */
class Storage {
  readonly rows = new Map<string, { body: Rule; deleted: boolean; archived: boolean }>();
  apply(w: Write): string {
    if (w.op === 'put') {
      const row = this.rows.get(w.rule.id);
      // A deleted rule cannot be updated (the store refuses it): the write changes nothing.
      if (row?.deleted) return w.rule.id;
      // An update of an archived rule unarchives it (capabilities/rules.ts).
      this.rows.set(w.rule.id, { body: w.rule, deleted: false, archived: false });
      return w.rule.id;
    }
    const row = this.rows.get(w.id);
    if (row && w.op === 'delete') row.deleted = true;
    if (row && w.op === 'archive' && !row.deleted) row.archived = true;
    if (row && w.op === 'unarchive') row.archived = false;
    return w.id;
  }
  live(id: string): Rule | undefined {
    const row = this.rows.get(id);
    return row && !row.deleted && !row.archived ? row.body : undefined;
  }
  liveRules(): Rule[] {
    return [...this.rows.values()].filter((r) => !r.deleted && !r.archived).map((r) => r.body);
  }
}

/** The compiled set as plain data, each index list sorted by rule id. */
function normal(set: CompiledRules) {
  const ids = (list: readonly { id: string }[]) => list.map((c) => c.id).sort();
  const index = (map: ReadonlyMap<string, readonly { id: string }[]>) =>
    Object.fromEntries([...map].map(([k, list]) => [k, ids(list)]).sort(([a], [b]) => (a! < b! ? -1 : 1)));
  return {
    size: set.size,
    byId: Object.fromEntries([...set.byId].sort(([a], [b]) => (a < b ? -1 : 1))),
    byItem: index(set.byItem),
    byGroup: index(set.byGroup),
    always: ids(set.always),
  };
}

const shopping = receipt([
  item('A', 1000, { groups: [{ id: 'G' }] }),
  item('B', 2000, { quantity: 2 }),
  item('C', 500, { groups: [{ id: 'H' }] }),
]);

describe('incremental compile (recompileRule)', () => {
  it('equals a full compile of the live rules after any sequence of writes', () => {
    fc.assert(
      fc.property(
        fc.array(writeArb, { maxLength: 12 }),
        fc.array(writeArb, { minLength: 1, maxLength: 30 }),
        (before, after) => {
          const storage = new Storage();
          for (const w of before) storage.apply(w);
          let set = compileRules(storage.liveRules());
          for (const w of after) {
            const id = storage.apply(w);
            set = recompileRule(set, id, storage.live(id));
          }
          const full = compileRules(storage.liveRules());
          expect(normal(set)).toEqual(normal(full));
          // And the evaluation reads the same from both.
          const refs = IDS.map((id) => ref(id));
          const a = evaluate({ receipt: shopping, rules: set, refs, now: NOW });
          const b = evaluate({ receipt: shopping, rules: full, refs, now: NOW });
          expect(a).toEqual(b);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('moves a rule between indexes when its requirement changes, and drops empty keys', () => {
    const byItem = rule('x', pct(10), { item: { items: [{ id: 'A' }, { id: 'A' }] } });
    let set = compileRules([byItem, rule('y', pct(5), { item: { items: [{ group_id: 'G' }] } })]);
    expect(set.byItem.get('A')?.map((c) => c.id)).toEqual(['x', 'x']);
    set = recompileRule(set, 'x', rule('x', pct(10), { item: { items: [{ group_id: 'G' }] } }));
    expect(set.byItem.has('A')).toBe(false);
    expect(set.byGroup.get('G')?.map((c) => c.id)).toEqual(['y', 'x']);
    set = recompileRule(set, 'x', { ...byItem, active: false });
    expect(set.byGroup.get('G')?.map((c) => c.id)).toEqual(['y']);
    expect(set.byId.get('x')?.usable).toBe(false);
    set = recompileRule(set, 'y', undefined);
    expect(set.byGroup.size).toBe(0);
    expect(set.size).toBe(1);
  });
});
