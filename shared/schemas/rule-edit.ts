import type { Limitation, Rule, RuleUpdate } from './rule';

/**
 * How `PUT /discounts/rules/{did}` merges (docs/api-decisions.md): top-level fields replace,
 * `requirement` merges key by key over the stored one, `reward` is fixed except `base`. So a
 * client that edits some keys of `limitation` and means to keep the others (as the console's rule
 * form does) sends the stored `limitation` with its keys laid over it. This is that body, written
 * once beside the API's own types rather than in each client.
 *
 * `edit` is what the client sets (its `limitation` keys included); `cleared` names limitation keys
 * the client removes (an empty input). Keys neither set nor cleared keep their stored value.
 */
export function ruleEditOver(stored: Pick<Rule, 'limitation'>, edit: RuleUpdate, cleared: readonly string[]) {
  const limitation: Record<string, unknown> = { ...stored.limitation, ...edit.limitation };
  for (const key of cleared) delete limitation[key];
  return { ...edit, limitation: limitation as Limitation } satisfies RuleUpdate;
}
