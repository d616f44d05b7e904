// Budgets (docs/budgets.md): a rule's and its campaign's caps on what all purchases together may
// take. The engine stays pure: what is left of each budget is an input (`EvaluateInput.budgets`),
// and one evaluation never offers more than that, counting what its earlier rules already took.

import type { CompiledRule } from './compile';
import { allocate } from './money';
import type { Application } from './rewards';

/** What is left of one budget a rule draws on, before this purchase. */
export interface BudgetLeft {
  /** Names the budget; rules that share it (a campaign's) share one key. */
  key: string;
  /** Where the budget is set, for `explain`: `limitation` (the rule) or `campaign.limitation`. */
  field: 'limitation' | 'campaign.limitation';
  /** Minor units left (discount plus bonus); absent: no amount budget. */
  amount?: number;
  /** Purchases left; absent: no purchase budget. */
  usage?: number;
}

/** Budgets by rule id. A rule missing from the map has none. */
export type BudgetsLeft = ReadonlyMap<string, readonly BudgetLeft[]>;

/** The first budget field that has nothing left for `rule` before any rule applied, or null. */
export function exhaustedField(budgets: readonly BudgetLeft[] | undefined): string | null {
  for (const b of budgets ?? []) {
    if (b.usage !== undefined && b.usage <= 0) return `${b.field}.budget_usage`;
    if (b.amount !== undefined && b.amount <= 0) return `${b.field}.budget_amount`;
  }
  return null;
}

/**
 * What one outcome (a set of rules applied in order) has taken from each budget so far. A purchase
 * counts once against a budget however many of its rules draw on it.
 */
export class BudgetTracker {
  private readonly spent = new Map<string, number>();
  private readonly counted = new Set<string>();
  /** Rules a budget cut to nothing in this outcome, with the budget field (`explain`). */
  readonly stopped = new Map<CompiledRule, string>();

  constructor(private readonly budgets: BudgetsLeft | undefined) {}

  /** What `rule` may still take, and the budget field that limits it (Infinity: no budget). */
  room(rule: CompiledRule): { amount: number; field: string | null } {
    let amount = Number.POSITIVE_INFINITY;
    let field: string | null = null;
    for (const b of this.budgets?.get(rule.id) ?? []) {
      if (b.usage !== undefined && !this.counted.has(b.key) && b.usage <= 0)
        return { amount: 0, field: `${b.field}.budget_usage` };
      if (b.amount !== undefined) {
        const left = Math.max(b.amount - (this.spent.get(b.key) ?? 0), 0);
        if (left < amount) {
          amount = left;
          field = `${b.field}.budget_amount`;
        }
      }
    }
    return { amount, field };
  }

  /** The application cut to the rule's budgets (null when none is left); a cut is spread by line. */
  fit(app: Application): Application | null {
    const { amount, field } = this.room(app.rule);
    if (app.total <= amount) return app;
    if (amount <= 0) {
      if (field) this.stopped.set(app.rule, field);
      return null;
    }
    const weights = app.parts.map((p) => p.amount);
    const shares = allocate(
      amount,
      weights,
      weights,
      app.parts.map((p) => p.line.lineId),
    );
    // A cut reward is no longer the rule's percentage of the line, so the lines carry none.
    const parts = app.parts.map((p, i) => ({ line: p.line, amount: shares[i] as number })).filter((p) => p.amount > 0);
    return { ...app, parts, total: amount };
  }

  /** Records what an applied rule took. */
  take(app: Application): void {
    for (const b of this.budgets?.get(app.rule.id) ?? []) {
      if (b.amount !== undefined) this.spent.set(b.key, (this.spent.get(b.key) ?? 0) + app.total);
      if (app.usage > 0) this.counted.add(b.key);
    }
  }
}
