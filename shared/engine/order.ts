// Decision 1 (order) and Decision 2 (exclusive rules).

import { BudgetTracker, type BudgetsLeft } from './budgets';
import type { CompiledRule } from './compile';
import { matchLines, type Ctx, type Line, type LineMatch, type State } from './match';
import { computeReward, type Application } from './rewards';
import type { RefState } from './types';

export interface Candidate {
  rule: CompiledRule;
  ref: RefState;
  /** Stamp rules: full cards the ref holds, the most rewards this purchase can redeem. */
  cards?: number;
}

/** Tie-break shared by every ordering: older rule first, then lower id. */
export function byAge(a: CompiledRule, b: CompiledRule): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function cloneState(s: State): State {
  return { remaining: s.remaining.slice(), discounted: s.discounted.slice(), anyDiscount: s.anyDiscount };
}

/** What the rule's budgets (budgets.ts) leave of a reward computed on the lines. */
function fitted(app: Application | null, budgets: BudgetTracker): Application | null {
  return app && app.total > 0 ? budgets.fit(app) : app;
}

function attempt(c: Candidate, ctx: Ctx, state: State, budgets: BudgetTracker): Application | null {
  const m = matchLines(c.rule, ctx, state);
  return fitted(m ? computeReward(c.rule, m, state, c.ref, c.cards) : null, budgets);
}

interface Attempt {
  c: Candidate;
  m: LineMatch | null;
  /** The reward on the lines, before budgets: budgets change as rules are applied, lines may not. */
  app: Application | null;
  /** What the ranking compares: the reward as the budgets stood then. */
  alone: number;
}

function attemptWith(c: Candidate, ctx: Ctx, state: State, budgets: BudgetTracker): Attempt {
  const m = matchLines(c.rule, ctx, state);
  const app = m ? computeReward(c.rule, m, state, c.ref, c.cards) : null;
  return { c, m, app, alone: fitted(app, budgets)?.total ?? 0 };
}

/**
 * Whether an attempt made on an earlier state still holds: with the default eligibility the lines a
 * rule sees do not depend on the state, and a reward reads only what is left on those lines
 * (rewards.ts), so if no commit since touched one of them it would compute the same again.
 */
function stillHolds(a: Attempt, touched: readonly boolean[]): a is Attempt & { m: LineMatch; app: Application } {
  if (!a.m || !a.app || a.c.rule.eligible !== 'item_eligible_for_discount') return false;
  const untouched = (ls: readonly Line[]) => {
    for (const l of ls) if (touched[l.idx]) return false;
    return true;
  };
  return untouched(a.m.reward) && a.m.mixLines.every(untouched);
}

function commit(state: State, app: Application): void {
  // A bonus does not lower the price, so it leaves the line's room for discounts alone.
  if (app.rule.reward.bonus) return;
  for (const p of app.parts) {
    state.remaining[p.line.idx] = (state.remaining[p.line.idx] as number) - p.amount;
    state.discounted[p.line.idx] = true;
  }
  if (app.parts.length > 0) state.anyDiscount = true;
}

export interface Outcome {
  apps: Application[];
  total: number;
  /** Rules a budget left nothing for in this outcome, with the budget's field. */
  stopped: ReadonlyMap<CompiledRule, string>;
}

/**
 * Item rules, then receipt rules. Within a level, rules are ranked by what each would give on
 * the level's starting state (larger first, then byAge), then applied one by one on what is
 * left, so a line never goes below zero.
 */
export function applyInOrder(cands: readonly Candidate[], ctx: Ctx, budgetsLeft?: BudgetsLeft): Outcome {
  const state = cloneState(ctx.initial);
  const budgets = new BudgetTracker(budgetsLeft);
  const apps: Application[] = [];
  for (const level of ['item', 'receipt'] as const) {
    const here = cands.filter((c) => c.rule.level === level);
    if (here.length === 0) continue;
    const ranked: (Attempt | Candidate)[] =
      here.length === 1
        ? here
        : here
            .map((c) => attemptWith(c, ctx, state, budgets))
            .sort((a, b) => b.alone - a.alone || byAge(a.c.rule, b.c.rule));
    // Lines changed since the ranking: an attempt on none of them is not made again (its reward on
    // the lines is reused; the budgets are applied to it as they stand now).
    const touched: boolean[] = [];
    for (const r of ranked) {
      const app =
        'c' in r && stillHolds(r, touched) ? fitted(r.app, budgets) : attempt('c' in r ? r.c : r, ctx, state, budgets);
      if (!app || app.total <= 0) continue;
      commit(state, app);
      budgets.take(app);
      if (!app.rule.reward.bonus) for (const p of app.parts) touched[p.line.idx] = true;
      apps.push(app);
    }
  }
  return { apps, total: apps.reduce((s, a) => s + a.total, 0), stopped: budgets.stopped };
}

/**
 * The best exclusive rule alone against all combinable rules together; a tie keeps the combinable
 * set. `exclusiveTotals`, when given, receives what each exclusive rule gives alone (`explain`).
 */
export function chooseOutcome(
  cands: readonly Candidate[],
  ctx: Ctx,
  exclusiveTotals?: Map<CompiledRule, number>,
  budgets?: BudgetsLeft,
): Outcome {
  const combinable = applyInOrder(
    cands.filter((c) => !c.rule.exclusive),
    ctx,
    budgets,
  );
  let best: { c: Candidate; o: Outcome } | null = null;
  for (const c of cands) {
    if (!c.rule.exclusive) continue;
    const o = applyInOrder([c], ctx, budgets);
    exclusiveTotals?.set(c.rule, o.total);
    if (!best || o.total > best.o.total || (o.total === best.o.total && byAge(c.rule, best.c.rule) < 0))
      best = { c, o };
  }
  return best && best.o.total > combinable.total ? best.o : combinable;
}
