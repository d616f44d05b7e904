/**
 * Dintero's wire shapes, written from its published types (the Discounts and Customers OpenAPI
 * specs) and the seeds in ../shared/seeds (newer; they win: `customer_id` is null for `*` refs,
 * `mcc` is numeric, `dynamic_purchase_to_days`). Used only by the contract tests in this folder.
 *
 * Objects are loose: fields of ours that Dintero does not have are allowed (each is listed in
 * docs/api-decisions.md). Required fields must be present with the right type, so a field we
 * renamed shows up as a missing one; optional fields the tests know must be there are checked
 * with `expectFields`.
 */
import * as v from 'valibot';
import { expect } from 'vitest';

const loose = v.looseObject;
const opt = v.optional;
const str = v.string();
const num = v.number();
const int = v.pipe(v.number(), v.integer());
const bool = v.boolean();
export const dateTime = v.pipe(v.string(), v.isoTimestamp());
const strings = v.array(v.string());

/** Dintero's `Entity`: what every stored object carries. */
export const entity = {
  id: opt(str),
  created_at: opt(dateTime),
  created_by: opt(str),
  updated_at: opt(dateTime),
  deleted_by: opt(str),
  deleted_at: opt(dateTime),
};

export const Item = loose({ id: opt(str), group_id: opt(str) });

const CustomerRequirement = loose({
  addresses: opt(
    v.array(
      loose({
        country: opt(strings),
        postal_code: opt(strings),
        postal_place: opt(strings),
        custom_type: opt(strings),
        type: opt(strings),
      }),
    ),
  ),
  company: opt(
    loose({
      bussiness_name: opt(strings),
      department: opt(strings),
      industry: opt(strings),
      number_of_employees: opt(strings),
      organization_number: opt(strings),
      website: opt(strings),
    }),
  ),
  date_of_birth: opt(strings),
  enrolled_by: opt(loose({ type: opt(strings), value: opt(strings) })),
  favorite_store: opt(strings),
  first_name: opt(strings),
  gender: opt(strings),
  last_name: opt(strings),
  marketing_consent: opt(
    loose({ email: opt(loose({ consent: opt(strings) })), sms: opt(loose({ consent: opt(strings) })) }),
  ),
  status: opt(strings),
  term: opt(loose({ id: opt(strings) })),
  type: opt(strings),
  attributes: opt(v.record(v.string(), strings)),
});

/** The types say strings, seed 001 shows numbers: both are Dintero's. */
const mcc = v.union([v.string(), v.number()]);

const StoreRequirement = loose({
  id: opt(strings),
  name: opt(strings),
  business_name: opt(strings),
  address: opt(loose({ country: opt(strings), postal_code: opt(strings), postal_place: opt(strings) })),
  chain: opt(strings),
  email: opt(strings),
  gln: opt(strings),
  organization_number: opt(strings),
  phone_number: opt(strings),
  mcc: opt(v.array(mcc)),
  mcc_ranges: opt(v.array(loose({ start: mcc, end: mcc }))),
  bax: opt(strings),
  terminal_id: opt(strings),
});

export const Requirement = loose({
  purchase_from: dateTime,
  purchase_to: dateTime,
  customer: opt(CustomerRequirement),
  item: opt(
    loose({
      quantity: opt(num),
      mixes: opt(v.array(loose({ items: opt(v.array(Item)), quantity: num, reward_eligible: bool }))),
      items: opt(v.array(Item)),
    }),
  ),
  store_ids: opt(strings),
  gross_amount: opt(int),
  net_amount: opt(int),
  currencies: opt(v.array(v.unknown())),
  stamp: opt(num),
  discount_code: opt(str),
  store: opt(StoreRequirement),
});

export const Reward = loose({
  type: v.picklist([
    'discount_amount',
    'discount_percent',
    'discount_item_new_price',
    'discount_item_quantity',
    'discount_item_percent',
    'discount_mix_new_price',
    'discount_debit',
  ]),
  value: num,
  values: opt(v.array(loose({ items: v.array(Item), value: num }))),
  base: opt(v.picklist(['net', 'gross'])),
  effect: opt(v.picklist(['discount', 'bonus'])),
});

const clock = v.pipe(v.string(), v.regex(/^([01]?[0-9]|2[0-3]):[0-5][0-9]$/));

export const Limitation = loose({
  dynamic_purchase_to_days: opt(num),
  discount_activation: opt(v.array(loose({ type: v.literal('deactivate_if_discount_active'), value: str }))),
  discount_hours: opt(
    loose({
      timezone: opt(str),
      hours: v.array(
        loose({ day: v.picklist(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']), start: clock, end: clock }),
      ),
    }),
  ),
  discount_reward_usage: opt(num),
  discount_combination: opt(v.picklist([-1, 0])),
  discount_eligible: opt(
    v.picklist(['item_eligible_for_discount', 'item_eligible_for_discount_no_discount', 'receipt_no_discount']),
  ),
  discount_repeat_usage: opt(num),
  stamp_expire_days: opt(num),
  blacklist: opt(v.array(Item)),
});

const Links = v.array(loose({ href: str, rel: opt(str), type: opt(str) }));

const discountEntries = {
  ...entity,
  campaign_id: opt(str),
  active: opt(bool),
  private: opt(bool),
  updated_by: opt(str),
  type: opt(v.picklist(['item', 'receipt'])),
  name: opt(str),
  receipt_text: opt(str),
  visible_from: opt(dateTime),
  description: opt(str),
  limitation: opt(Limitation),
  requirement: Requirement,
  reward: Reward,
  metadata: opt(v.record(v.string(), v.unknown())),
  links: opt(Links),
};
export const Discount = loose(discountEntries);

const statisticsEntries = {
  stamp: opt(num),
  used: opt(num),
  usage: opt(num),
  amount: opt(num),
  debit_balance: opt(num),
};
/** `Statistics & Discount`: a discount with its statistics (`statistics` itself optional in the types). */
export const DiscountWithStatistics = loose({ ...discountEntries, statistics: opt(loose(statisticsEntries)) });

const customerDiscountStatistics = loose({ ...statisticsEntries, current_stamp: opt(num) });

/** `Discount & CustomerDiscountStatistics & {ref_id}`: one customer's ref of a discount. */
export const CustomerDiscount = loose({
  ...discountEntries,
  statistics: opt(customerDiscountStatistics),
  ref_id: opt(str),
});

/** `DELETE /customers/{cid}/refs/{ref_id}` adds the deprecated top-level `debit_balance`. */
export const DeletedCustomerDiscount = loose({ ...CustomerDiscount.entries, debit_balance: opt(num) });

export const PublicDiscount = loose({ ...discountEntries, ref_id: opt(str) });

/** A ref as `GET /rules/{did}/customers` lists it (seed 000: `customer_id` null for `*` and `/`). */
export const DiscountCustomerRef = loose({ ...entity, customer_id: opt(v.nullable(str)) });

const UsageRef = loose({
  ref: str,
  ref_type: str,
  usage: opt(num),
  stamp: opt(num),
  amount: opt(num),
  created_at: opt(dateTime),
  created_by: opt(str),
});

/** `DiscountUsage` (note Dintero's `create_at`). */
export const DiscountUsage = loose({
  id: opt(str),
  ref_id: opt(str),
  discount_id: opt(str),
  customer_id: opt(v.nullable(str)),
  create_at: opt(dateTime),
  updated_at: opt(dateTime),
  created_by: opt(str),
  usage_refs: opt(v.array(UsageRef)),
  statistics: opt(customerDiscountStatistics),
});

export const Claim = loose({
  ...entity,
  ref: opt(str),
  type: opt(str),
  purchase_at: dateTime,
  customer_id: str,
  discounts: v.array(loose({ id: str, refs: v.array(loose({ id: str, amount: num, usage: num })) })),
});

export const Campaign = loose({
  ...entity,
  campaign_id: opt(str),
  name: str,
  description: opt(str),
  private: opt(bool),
  metadata: opt(v.record(v.string(), v.unknown())),
});

const DiscountType = v.picklist(['customer', 'periodic', 'manual', 'loyalty', 'total', 'employee', 'external']);

const DiscountItem = loose({
  amount: opt(num),
  percentage: opt(num),
  discount_type: opt(DiscountType),
  discount_id: opt(str),
  description: opt(str),
  line_id: opt(num),
});

export const BonusItem = loose({
  bonus: opt(num),
  percentage: opt(num),
  discount_type: opt(DiscountType),
  discount_id: opt(str),
  description: opt(str),
  line_id: opt(num),
});

const ReceiptItem = loose({
  id: opt(str),
  groups: opt(v.array(loose({ id: str, name: opt(str) }))),
  quantity: opt(num),
  net_amount: opt(num),
  gross_amount: opt(num),
  unit_gross_price: opt(num),
  line_id: opt(num),
  eligible_for_discount: opt(bool),
  is_changed: opt(bool),
  discount_lines: opt(v.array(DiscountItem)),
  bonus_lines: opt(v.array(BonusItem)),
});

const refStatistics = loose({
  amount: opt(num),
  bonus: opt(num),
  debit_balance: opt(num),
  stamp: opt(num),
  usage: opt(num),
});

/** `DiscountRefs`: a whole discount plus the refs of it this receipt uses. */
export const DiscountRefs = loose({
  ...discountEntries,
  refs: opt(
    v.array(
      loose({
        id: opt(str),
        stamp: opt(num),
        amount: opt(num),
        bonus: opt(num),
        statistics: opt(refStatistics),
        items: opt(v.array(loose({ line_id: opt(num), bonus: opt(num), amount: opt(num) }))),
        usage: opt(num),
      }),
    ),
  ),
});

export const Receipt = loose({
  ...entity,
  discounts: opt(v.array(DiscountRefs)),
  store: loose({ id: str }),
  items: opt(v.array(ReceiptItem)),
  receipt_id: str,
  customer_id: opt(str),
  gross_amount: opt(num),
  net_amount: opt(num),
  currency: opt(str),
  purchase_at: dateTime,
  is_changed: opt(bool),
  discount_code: opt(strings),
});

const CustomerAddress = loose({
  address_line: opt(str),
  address_line_2: opt(str),
  postal_code: opt(str),
  postal_place: opt(str),
  country: opt(str),
  latitude: opt(num),
  longitude: opt(num),
  type: opt(v.picklist(['custom', 'home', 'other', 'work'])),
  custom_type: opt(str),
  comment: opt(str),
});

const consent = loose({ consent: opt(bool), updated_at: opt(dateTime) });

/** `CustomerResponse` = `CustomerData & Entity & BasicUser & {type, customer_id}`. */
export const CustomerResponse = loose({
  ...entity,
  metadata: opt(v.record(v.string(), v.unknown())),
  first_name: opt(str),
  last_name: opt(str),
  email: opt(str),
  phone_number: opt(v.pipe(v.string(), v.regex(/^\+?[1-9]\d{1,14}$/))),
  attributes: opt(v.record(v.string(), v.unknown())),
  status: opt(str),
  favorite_store: opt(str),
  enrolled_by: opt(loose({ type: opt(str), value: v.unknown() })),
  marketing_consent: opt(loose({ sms: opt(consent), email: opt(consent) })),
  type: v.picklist(['customer', 'company', 'contact', 'employee', 'other']),
  addresses: opt(v.array(CustomerAddress)),
  term: opt(loose({ id: opt(str), accepted_at: opt(dateTime) })),
  company: opt(
    loose({
      organization_number: opt(str),
      bussiness_name: str,
      department: opt(str),
      industry: opt(str),
      website: opt(str),
      number_of_employees: opt(str),
    }),
  ),
  gender: opt(str),
  date_of_birth: opt(str),
  contact_for: opt(v.array(loose({ customer_id: str }))),
  customer_id: str,
});

/** Dintero's error body (ours adds `errors[].field`). */
export const ErrorBody = loose({
  error: loose({ code: opt(str), errors: opt(v.array(v.record(v.string(), v.unknown()))), message: str }),
});

/** Fails with every issue's path, so a broken contract says which field. */
export function expectShape(schema: v.GenericSchema, value: unknown): void {
  const result = v.safeParse(schema, value);
  const issues = result.success ? [] : result.issues.map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`);
  expect(issues).toEqual([]);
}

/** The fields a request sent (or Dintero documents as always there) are in the answer, by name. */
export function expectFields(value: unknown, fields: string[]): void {
  const missing = fields.filter((f) => {
    let node: unknown = value;
    for (const k of f.split('.'))
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined;
    return node === undefined;
  });
  expect(missing).toEqual([]);
}
