import type { BudgetStatus } from '../../shared/schemas/budget';
import { money } from './layout';

/** A rule's budget on its page (docs/budgets.md): used and left; nothing when it has none. */
export function BudgetRows(props: { budget: BudgetStatus | undefined }) {
  const { amount, usage } = props.budget ?? {};
  if (!amount && !usage) return null;
  return (
    <>
      <dt>Budget</dt>
      <dd>
        {amount && (
          <span>
            {money(amount.used)} of {money(amount.limit)} used, {money(amount.left)} left.{' '}
          </span>
        )}
        {usage && (
          <span>
            {usage.used} of {usage.limit} purchases used, {usage.left} left.
          </span>
        )}
      </dd>
    </>
  );
}
