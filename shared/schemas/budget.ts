import * as v from 'valibot';
import { MAX_MONEY } from './common';

/** Purchases a budget may count up to (docs/budgets.md). */
export const MAX_BUDGET_USAGE = 1_000_000_000;

const limit = (max: number) =>
  v.pipe(
    v.number(),
    v.integer('Expected an integer'),
    v.minValue(-1, 'Expected -1 (unlimited) or at least 0'),
    v.maxValue(max, `Expected at most ${max}`),
  );

/**
 * A rule's or a campaign's budget (docs/budgets.md): `budget_amount` minor units (discount plus
 * bonus) and `budget_usage` purchases across all customers and refs. `-1` or absent: no budget.
 */
export const budgetFields = {
  budget_amount: v.optional(limit(MAX_MONEY)),
  budget_usage: v.optional(limit(MAX_BUDGET_USAGE)),
};

const figure = v.strictObject({ limit: v.number(), used: v.number(), left: v.number() });

/** What `GET` of a rule or campaign shows of its budget; only the budgets that are set. */
export const budgetStatusSchema = v.pipe(
  v.strictObject({ amount: v.optional(figure), usage: v.optional(figure) }),
  v.metadata({
    ref: 'Budget',
    description: 'Used and left of `limitation.budget_amount` (minor units) and `budget_usage` (purchases)',
  }),
);
export type BudgetStatus = v.InferOutput<typeof budgetStatusSchema>;
