// Which rules a receipt can reach, found once per request: the store asks for the ids (to load only
// those rules' refs and budgets), then hands the same result to `evaluate`, which would otherwise
// read the receipt's lines and walk the indexes a second time.

import type { CompiledRule, CompiledRules } from './compile';
import { buildCtx, type Ctx } from './match';
import type { Receipt } from './types';

/** Rules some line of the receipt could match, via the item / group indexes. */
export function reachable(rules: CompiledRules, ctx: Ctx): Map<string, CompiledRule> {
  const out = new Map<string, CompiledRule>();
  for (const c of rules.always) out.set(c.id, c);
  for (const line of ctx.lines) {
    if (!line.eligible) continue;
    if (line.id !== undefined) for (const c of rules.byItem.get(line.id) ?? []) out.set(c.id, c);
    for (const g of line.groups) for (const c of rules.byGroup.get(g) ?? []) out.set(c.id, c);
  }
  return out;
}

/** What `prepare` read of one receipt against one compiled set at one instant. */
export interface Prepared {
  /** Ids of the reachable rules: a fresh set, the caller may add to it. */
  ids: Set<string>;
  readonly receipt: Receipt;
  readonly rules: CompiledRules;
  readonly now: string;
  readonly ctx: Ctx;
  readonly reach: ReadonlyMap<string, CompiledRule>;
}

/**
 * Ids of the rules some line of this receipt could reach, and what was read to find them. A store
 * loads ref state only for these, so the cost of an evaluation follows the rules that can match,
 * not the size of the account; passing the result to `evaluate` (as `prepared`) saves reading again.
 */
export function prepare(receipt: Receipt, rules: CompiledRules, now: string): Prepared {
  const ctx = buildCtx(receipt, Date.parse(now));
  const reach = reachable(rules, ctx);
  return { ids: new Set(reach.keys()), receipt, rules, now, ctx, reach };
}

/**
 * The context and reachable rules for `evaluate`: taken from `prepared` when it was made from the
 * very same receipt object, compiled set and instant (the receipt is not changed in between), else
 * read afresh. The map is a copy (evaluate adds the rules it is asked to explain); the context takes
 * this evaluation's pool codes, and shares the rest: evaluate only writes to a clone of its state.
 */
export function contextFor(
  receipt: Receipt,
  rules: CompiledRules,
  now: string,
  poolCodes: Ctx['poolCodes'],
  prepared: Prepared | undefined,
): { ctx: Ctx; reach: Map<string, CompiledRule> } {
  if (prepared && prepared.receipt === receipt && prepared.rules === rules && prepared.now === now)
    return { ctx: { ...prepared.ctx, poolCodes }, reach: new Map(prepared.reach) };
  const ctx = buildCtx(receipt, Date.parse(now), poolCodes);
  return { ctx, reach: reachable(rules, ctx) };
}
