// After one rule is written, the compiled set changes by that rule alone: its old form leaves the
// indexes, its new form (if it is still live) joins them. Recompiling 10,000 rules costs tens of
// ms; this costs one rule's compile and a walk of the index lists it sits in.

import { compileRule, indexedOn, type CompiledRule, type CompiledRules } from './compile';
import type { Rule } from './types';

type Index = Map<string, CompiledRule[]>;

function add(map: Index, key: string, c: CompiledRule): void {
  const list = map.get(key);
  if (list) list.push(c);
  else map.set(key, [c]);
}

/** Takes out every entry of `c` under `key` (a rule listing one item twice sits there twice). */
function remove(map: Index, key: string, c: CompiledRule): void {
  const list = map.get(key);
  if (!list) return;
  const kept = list.filter((x) => x !== c);
  if (kept.length === 0) map.delete(key);
  else map.set(key, kept);
}

function place(set: CompiledRules, c: CompiledRule, put: boolean): void {
  const byItem = set.byItem as Index;
  const byGroup = set.byGroup as Index;
  const always = set.always as CompiledRule[];
  const need = indexedOn(c);
  if (need === null) return;
  if (need === 'always') {
    if (put) always.push(c);
    else {
      const at = always.indexOf(c);
      if (at >= 0) always.splice(at, 1);
    }
    return;
  }
  for (const p of need) {
    const map = p.id !== undefined ? byItem : byGroup;
    const key = p.id ?? (p.group as string);
    if (put) add(map, key, c);
    else remove(map, key, c);
  }
}

/**
 * `set` after rule `id` was written: `rule` is its stored form when it is live (neither deleted nor
 * archived), else undefined. Updates `set`'s maps and lists in place and returns the set with its
 * new size; the result equals `compileRules` of the live rules, up to the order within an index
 * list, which nothing reads (evaluate orders the rules it looks at by age and id).
 */
export function recompileRule(set: CompiledRules, id: string, rule: Rule | undefined): CompiledRules {
  const byId = set.byId as Map<string, CompiledRule>;
  const old = byId.get(id);
  if (old) {
    place(set, old, false);
    byId.delete(id);
  }
  if (rule) {
    const c = compileRule(rule);
    byId.set(c.id, c);
    place(set, c, true);
  }
  return { size: byId.size, byId, byItem: set.byItem, byGroup: set.byGroup, always: set.always };
}
