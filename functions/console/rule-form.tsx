import type { FieldError } from '../../shared/errors';
import { REWARD_TYPES, type Rule } from '../../shared/schemas/rule';
import { getPath, textOf, type FormSpec, type FormValues } from './form';
import { Field } from './layout';

/**
 * The rule form covers the fields a merchant sets by hand; every other field of a rule (customer
 * requirements, discount hours, mixes, metadata…) is kept as stored when the form is saved, and is
 * edited through the API (docs/console.md).
 */
export const SPEC: FormSpec = [
  ['name', 'text'],
  ['receipt_text', 'text'],
  ['description', 'text'],
  ['campaign_id', 'text'],
  ['active', 'bool'],
  ['private', 'bool'],
  ['requirement.purchase_from', 'text'],
  ['requirement.purchase_to', 'text'],
  ['requirement.gross_amount', 'int'],
  ['requirement.item.items', 'items'],
  ['requirement.item.quantity', 'int'],
  ['requirement.discount_code', 'text'],
  ['requirement.store_ids', 'list'],
  ['requirement.currencies', 'list'],
  ['reward.type', 'text'],
  ['reward.value', 'int'],
  ['reward.effect', 'text'],
  ['limitation.discount_combination', 'int'],
  ['limitation.discount_repeat_usage', 'int'],
  ['limitation.discount_reward_usage', 'int'],
];
export const FIELDS = SPEC.map(([n]) => n);
/** A rule's reward is fixed once created (API: PUT refuses a changed reward, except `base`). */
export const CREATE_ONLY = new Set(['reward.type', 'reward.value', 'reward.effect', 'requirement.purchase_from']);

const YES_NO = [
  ['true', 'Yes'],
  ['false', 'No'],
] as const;

export function valuesOf(rule: Partial<Rule>): FormValues {
  const out: FormValues = {};
  for (const [name, kind] of SPEC) out[name] = textOf(kind, getPath(rule, name));
  return out;
}

export function RuleForm(props: { action: string; values: FormValues; errors?: FieldError[]; editing: boolean }) {
  const { values: v, errors, editing } = props;
  const f = (name: string) => ({ name, value: v[name], errors, disabled: editing && CREATE_ONLY.has(name) });
  return (
    <form method="post" action={props.action} class="stack" novalidate>
      <fieldset>
        <legend>Rule</legend>
        <div class="grid">
          <Field {...f('name')} label="Name" />
          <Field {...f('receipt_text')} label="Receipt text" hint="Printed on the discount line" />
          <Field {...f('campaign_id')} label="Campaign id" />
          <Field {...f('active')} label="Active" options={YES_NO} />
          <Field {...f('private')} label="Private (never in the public list)" options={YES_NO} />
        </div>
        <Field {...f('description')} label="Description" textarea />
      </fieldset>
      <fieldset>
        <legend>Requirement</legend>
        <div class="grid">
          <Field {...f('requirement.purchase_from')} label="Purchase from" hint="RFC 3339, e.g. 2026-01-01T00:00:00Z" />
          <Field {...f('requirement.purchase_to')} label="Purchase to" hint="RFC 3339; may only move later" />
          <Field
            {...f('requirement.gross_amount')}
            label="Receipt gross amount at least"
            hint="Minor units: 50000 = 500,00"
            inputmode="numeric"
          />
          <Field
            {...f('requirement.item.items')}
            label="Items"
            hint="Item ids, or group:<group id>; comma-separated. Empty: the whole receipt"
          />
          <Field {...f('requirement.item.quantity')} label="Item quantity at least" inputmode="numeric" />
          <Field {...f('requirement.discount_code')} label="Discount code" />
          <Field {...f('requirement.store_ids')} label="Store ids" hint="Comma-separated; empty: every store" />
          <Field {...f('requirement.currencies')} label="Currencies" hint="Comma-separated, e.g. NOK" />
        </div>
      </fieldset>
      <fieldset>
        <legend>Reward</legend>
        {editing && <p class="hint muted">A rule's reward cannot change once it is created.</p>}
        <div class="grid">
          <Field {...f('reward.type')} label="Reward type" options={REWARD_TYPES.map((t) => [t, t] as const)} />
          <Field
            {...f('reward.value')}
            label="Reward value"
            hint="Minor units for amounts (10000 = 100,00); percent for percent rewards; units for free items"
            inputmode="numeric"
          />
          <Field
            {...f('reward.effect')}
            label="Effect"
            options={[
              ['', 'discount (default)'],
              ['bonus', 'bonus'],
            ]}
          />
        </div>
      </fieldset>
      <fieldset>
        <legend>Limitation</legend>
        <div class="grid">
          <Field
            {...f('limitation.discount_combination')}
            label="Combination"
            options={[
              ['', 'combinable (default)'],
              ['-1', 'combinable'],
              ['0', 'exclusive'],
            ]}
          />
          <Field
            {...f('limitation.discount_repeat_usage')}
            label="Purchases per ref"
            hint="-1 or empty: unlimited"
            inputmode="numeric"
          />
          <Field
            {...f('limitation.discount_reward_usage')}
            label="Rewards per purchase"
            hint="-1 or empty: unlimited"
            inputmode="numeric"
          />
        </div>
      </fieldset>
      <div class="row">
        <button type="submit">{editing ? 'Save changes' : 'Create rule'}</button>
      </div>
    </form>
  );
}

export function defaults(): FormValues {
  const now = new Date();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString();
  const to = new Date(Date.UTC(now.getUTCFullYear() + 1, 11, 31, 23, 59, 59)).toISOString();
  return {
    ...valuesOf({}),
    active: 'true',
    private: 'false',
    'requirement.purchase_from': from.replace('.000Z', 'Z'),
    'requirement.purchase_to': to.replace('.000Z', 'Z'),
    'reward.type': 'discount_amount',
  };
}
