import { scopes, type Scope } from '../auth/scopes';
import type { AutomationEventName } from '../schemas/automation';
import { SERVER_OWNED_FIELDS } from '../schemas/common';

/**
 * An automation acts with its author's authority (docs/security.md, "Automations"): the scopes of
 * the token that wrote it, checked against the author client each time it fires. What it may do:
 *
 * - give a rule (`discount` action): the scopes of POST /discounts/rules/{did}/customers;
 * - read customer data (customers, tokens, the customer of a receipt): the scopes of GET /customers/users;
 * - read receipts: the scopes that read claims (and with them their receipts).
 *
 * Filters and HTTP bodies see only the fields of the event the author may read, taken from the
 * allow-list below; anything else in the payload never leaves the account.
 */
export const GIVE_SCOPES: readonly Scope[] = scopes.write('discounts');
export const CUSTOMER_READ_SCOPES: readonly Scope[] = scopes.read('customers');
export const RECEIPT_READ_SCOPES: readonly Scope[] = [
  ...scopes.read('discounts'),
  'read:discounts:/available_for_receipt',
];

const holds = (held: readonly string[], any: readonly Scope[]) => any.some((s) => held.includes(s));
export const mayGive = (held: readonly string[]) => holds(held, GIVE_SCOPES);

/** A field's sub-fields that may pass (nested allow-list), or `true` for the whole value. */
type Allowed = true | { [field: string]: Allowed };
type Reader = 'customer' | 'receipt';

/** The customer as the API answers it: every field is customer data. */
const CUSTOMER_FIELDS: Record<string, Allowed> = Object.fromEntries(
  [
    'customer_id',
    'type',
    'email',
    'phone_number',
    'first_name',
    'last_name',
    'gender',
    'date_of_birth',
    'status',
    'favorite_store',
    'attributes',
    'company',
    'addresses',
    'enrolled_by',
    'marketing_consent',
    'term',
    'contact_for',
    'metadata',
    'tag_ids',
    // `id` and the stamps every entity carries (one list: shared/schemas/common.ts).
    ...SERVER_OWNED_FIELDS,
  ].map((f) => [f, true]),
);
const TOKEN_FIELDS: Record<string, Allowed> = { token_id: true, type: true, value: true, customer_id: true };
const MONEY_LINE: Allowed = {
  amount: true,
  bonus: true,
  percentage: true,
  discount_type: true,
  discount_id: true,
  description: true,
  line_id: true,
};
const ITEM: Allowed = {
  id: true,
  line_id: true,
  groups: { id: true, name: true },
  quantity: true,
  gross_amount: true,
  net_amount: true,
  unit_gross_price: true,
  eligible_for_discount: true,
  discount_lines: MONEY_LINE,
  bonus_lines: MONEY_LINE,
};
const RECEIPT_FIELDS: Record<string, Allowed> = {
  receipt_id: true,
  purchase_at: true,
  store: { id: true, mcc: true },
  items: ITEM,
  gross_amount: true,
  net_amount: true,
  currency: true,
  discount_code: true,
};
const RECEIPT_CUSTOMER_FIELDS: Record<string, Allowed> = {
  customer_id: true,
  customer: { customer_id: true, token: { token_id: true, type: true, value: true } },
};

/** The allow-list: per event, which fields each kind of reader may see. Documented in docs/automations.md. */
export const EVENT_FIELDS: Record<AutomationEventName, Partial<Record<Reader, Record<string, Allowed>>>> = {
  customer_add: { customer: CUSTOMER_FIELDS },
  customer_update: { customer: CUSTOMER_FIELDS },
  customer_remove: { customer: CUSTOMER_FIELDS },
  token_add: { customer: TOKEN_FIELDS },
  token_remove: { customer: TOKEN_FIELDS },
  receipt_add: { receipt: RECEIPT_FIELDS, customer: RECEIPT_CUSTOMER_FIELDS },
};

function pick(value: unknown, allowed: Allowed): unknown {
  if (allowed === true) return value;
  if (Array.isArray(value)) return value.map((v) => pick(v, allowed));
  if (typeof value !== 'object' || value === null) return undefined;
  const out: Record<string, unknown> = {};
  for (const [field, sub] of Object.entries(allowed)) {
    if (!Object.hasOwn(value, field)) continue;
    const picked = pick((value as Record<string, unknown>)[field], sub);
    if (picked !== undefined) out[field] = picked;
  }
  return out;
}

/** What of `payload` an author holding `held` may read: only allow-listed fields, only for the scopes held. */
export function visiblePayload(event: AutomationEventName, payload: object, held: readonly string[]): object {
  const lists = EVENT_FIELDS[event];
  const out: Record<string, unknown> = {};
  if (lists.receipt && holds(held, RECEIPT_READ_SCOPES)) Object.assign(out, pick(payload, lists.receipt));
  if (lists.customer && holds(held, CUSTOMER_READ_SCOPES)) Object.assign(out, pick(payload, lists.customer));
  return out;
}
