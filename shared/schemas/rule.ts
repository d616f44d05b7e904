import * as v from 'valibot';
import type { Rule as EngineRule } from '../engine/types';
import { budgetFields, type BudgetStatus } from './budget';
import {
  boolParam,
  dateTime,
  MAX_MONEY,
  metadata,
  money,
  noSinceWithStartingAfter,
  paging,
  repeated,
  serverOwned,
} from './common';

/** "One of these values" leaves of `requirement.customer` and `requirement.store`. */
const oneOf = v.array(v.pipe(v.string(), v.maxLength(1000)));
const strict = v.strictObject;

/**
 * Dintero's `Item`: both keys optional, so `{}` is a wildcard (like `{"id": "*"}`) where Dintero
 * allows it: `requirement.item.items` and `limitation.blacklist`.
 */
const itemPattern = strict({ id: v.optional(v.string()), group_id: v.optional(v.string()) });
const isWildcard = (p: { id?: string; group_id?: string }) =>
  (p.id === undefined || p.id === '*') && p.group_id === undefined;
/** `reward.values[].items`: Dintero requires `id` or `group_id`. */
const namedItem = v.pipe(
  itemPattern,
  v.check((p) => p.id !== undefined || p.group_id !== undefined, 'An item needs id or group_id'),
);
/** `item.mixes[].items`: Dintero accepts no wildcard. */
const mixItem = v.pipe(
  itemPattern,
  v.check((p) => !isWildcard(p), 'A mix item needs an id or group_id other than the wildcard *'),
);

const customerRequirement = strict({
  addresses: v.optional(
    v.array(
      strict({
        country: v.optional(oneOf),
        postal_code: v.optional(oneOf),
        postal_place: v.optional(oneOf),
        custom_type: v.optional(oneOf),
        type: v.optional(oneOf),
        address_line: v.optional(oneOf),
      }),
    ),
  ),
  company: v.optional(
    strict({
      bussiness_name: v.optional(oneOf),
      business_name: v.optional(oneOf),
      department: v.optional(oneOf),
      industry: v.optional(oneOf),
      number_of_employees: v.optional(oneOf),
      organization_number: v.optional(oneOf),
      website: v.optional(oneOf),
    }),
  ),
  date_of_birth: v.optional(oneOf),
  enrolled_by: v.optional(strict({ type: v.optional(oneOf), value: v.optional(oneOf) })),
  favorite_store: v.optional(oneOf),
  first_name: v.optional(oneOf),
  gender: v.optional(oneOf),
  last_name: v.optional(oneOf),
  marketing_consent: v.optional(
    strict({
      email: v.optional(strict({ consent: v.optional(oneOf) })),
      sms: v.optional(strict({ consent: v.optional(oneOf) })),
    }),
  ),
  status: v.optional(oneOf),
  term: v.optional(strict({ id: v.optional(oneOf) })),
  type: v.optional(oneOf),
  attributes: v.optional(v.record(v.string(), v.union([oneOf, v.string(), v.number(), v.boolean()]))),
});

/** At most this many ids in `requirement.shipping_option_ids` (docs/shipping.md). */
export const MAX_SHIPPING_OPTION_IDS = 100;

const count = (min: number) =>
  v.pipe(v.number(), v.integer('Expected an integer'), v.minValue(min), v.maxValue(1_000_000_000));
const amount = money;
/**
 * `-1` means unlimited everywhere (spec §3, Limitations). Dintero leaves `0` open; it is accepted
 * and means what it says (docs/api-decisions.md): no rewards, no purchases; for days, no limit.
 */
const limitOrUnlimited = v.pipe(
  v.number(),
  v.integer('Expected an integer'),
  v.minValue(-1, 'Expected -1 (unlimited) or at least 0'),
);

/** A Merchant Category Code: a string (Dintero's types) or a number (seed 001), stored as sent. */
const mcc = v.union(
  [count(0), v.pipe(v.string(), v.regex(/^\d{1,6}$/, 'Expected a merchant category code such as 5814'))],
  'Expected a merchant category code such as 5814',
);

const storeRequirement = strict({
  id: v.optional(oneOf),
  name: v.optional(oneOf),
  business_name: v.optional(oneOf),
  address: v.optional(
    strict({ country: v.optional(oneOf), postal_code: v.optional(oneOf), postal_place: v.optional(oneOf) }),
  ),
  chain: v.optional(oneOf),
  email: v.optional(oneOf),
  gln: v.optional(oneOf),
  organization_number: v.optional(oneOf),
  phone_number: v.optional(oneOf),
  mcc: v.optional(v.array(mcc)),
  mcc_ranges: v.optional(
    v.array(
      v.pipe(
        strict({ start: mcc, end: mcc }),
        v.check((r) => Number(r.start) <= Number(r.end), 'start must not be after end'),
      ),
    ),
  ),
  bax: v.optional(oneOf),
  terminal_id: v.optional(oneOf),
});

const currencyCode = v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'Expected an ISO 4217 currency code'));

export const requirementSchema = v.pipe(
  strict({
    purchase_from: dateTime,
    purchase_to: dateTime,
    customer: v.optional(customerRequirement),
    item: v.optional(
      strict({
        quantity: v.optional(count(0)),
        mixes: v.optional(
          v.array(
            strict({
              quantity: v.optional(count(1)),
              reward_eligible: v.optional(v.boolean()),
              items: v.pipe(v.array(mixItem), v.minLength(1)),
            }),
          ),
        ),
        items: v.optional(v.array(itemPattern)),
      }),
    ),
    store_ids: v.optional(oneOf),
    gross_amount: v.optional(amount),
    net_amount: v.optional(amount),
    currencies: v.optional(v.array(v.union([currencyCode, strict({ 'anything-but': v.array(currencyCode) })]))),
    stamp: v.optional(count(1)),
    discount_code: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
    store: v.optional(storeRequirement),
    /** `discount_shipping` rules: the shipping options (line `id`s) it discounts (docs/shipping.md). */
    shipping_option_ids: v.optional(
      v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(255))), v.maxLength(MAX_SHIPPING_OPTION_IDS)),
    ),
  }),
  v.check(
    (r) => Date.parse(r.purchase_from) <= Date.parse(r.purchase_to),
    'purchase_from must not be after purchase_to',
  ),
);

export const REWARD_TYPES = [
  'discount_amount',
  'discount_percent',
  'discount_item_new_price',
  'discount_item_quantity',
  'discount_item_percent',
  'discount_mix_new_price',
  'discount_debit',
  'discount_shipping',
] as const;
const PERCENT_TYPES = new Set(['discount_percent', 'discount_item_percent', 'discount_shipping']);

/** Percent values up to four decimals (10.5 %): kept exact by the engine, never rounded as floats. */
const rewardValue = v.pipe(v.number(), v.minValue(0), v.maxValue(MAX_MONEY));

const isWhole = (n: number) => Number.isInteger(n);
const isPercent = (n: number) => n <= 100 && Math.abs(n * 10000 - Math.round(n * 10000)) < 1e-6;

export const rewardSchema = v.pipe(
  strict({
    type: v.picklist(REWARD_TYPES),
    value: rewardValue,
    values: v.optional(v.array(strict({ items: v.pipe(v.array(namedItem), v.minLength(1)), value: rewardValue }))),
    base: v.optional(v.picklist(['gross', 'net'])),
    effect: v.optional(v.picklist(['discount', 'bonus'])),
  }),
  v.check(
    (r) => [r.value, ...(r.values ?? []).map((x) => x.value)].every(PERCENT_TYPES.has(r.type) ? isPercent : isWhole),
    'Percent rewards take 0–100 with at most four decimals; other rewards take whole minor units',
  ),
  // A debit card's balance is drawn down by discounts claimed; a bonus is never claimed as an
  // amount, so the balance would never run out.
  v.check((r) => !(r.type === 'discount_debit' && r.effect === 'bonus'), 'discount_debit cannot have effect bonus'),
);

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** `H:MM` or `HH:MM` as Dintero's types allow, and `24:00` as the end of a day. */
const clock = v.pipe(v.string(), v.regex(/^([01]?\d|2[0-3]):[0-5]\d$|^24:00$/, 'Expected H:MM or HH:MM'));

const timezone = v.pipe(
  v.string(),
  v.check((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'Expected an IANA time zone such as Europe/Oslo'),
);

/** Days, or `-1` for unlimited (stored as sent; readers treat anything below 1 as no limit). */
const daysOrUnlimited = v.pipe(limitOrUnlimited, v.maxValue(1_000_000_000));

export const limitationSchema = strict({
  dynamic_purchase_to_days: v.optional(daysOrUnlimited),
  discount_activation: v.optional(
    v.array(strict({ type: v.picklist(['deactivate_if_discount_active']), value: v.pipe(v.string(), v.minLength(1)) })),
  ),
  discount_hours: v.optional(
    strict({
      hours: v.array(
        // An end at or before the start runs past midnight into the next day (docs/semantics.md).
        strict({ day: v.picklist(WEEKDAYS), start: clock, end: clock }),
      ),
      timezone: v.optional(timezone),
    }),
  ),
  discount_reward_usage: v.optional(limitOrUnlimited),
  discount_combination: v.optional(v.picklist([0, -1], 'Expected 0 (exclusive) or -1 (combinable)')),
  discount_eligible: v.optional(
    v.picklist(['item_eligible_for_discount', 'item_eligible_for_discount_no_discount', 'receipt_no_discount']),
  ),
  discount_repeat_usage: v.optional(limitOrUnlimited),
  stamp_expire_days: v.optional(daysOrUnlimited),
  blacklist: v.optional(v.array(itemPattern)),
  ...budgetFields,
});

const link = strict({
  href: v.pipe(v.string(), v.url('Expected a URL')),
  rel: v.optional(v.pipe(v.string(), v.minLength(1))),
  type: v.optional(v.string()),
});

/** Fields the server owns: accepted (so a GET body can be PUT back) and ignored. */
const readOnly = serverOwned('type', 'statistics', 'budget');

const editable = {
  campaign_id: v.optional(v.nullable(v.pipe(v.string(), v.minLength(1), v.maxLength(255)))),
  active: v.optional(v.boolean()),
  private: v.optional(v.boolean()),
  name: v.optional(v.pipe(v.string(), v.maxLength(1000))),
  receipt_text: v.optional(v.pipe(v.string(), v.maxLength(1000))),
  visible_from: v.optional(dateTime),
  description: v.optional(v.pipe(v.string(), v.maxLength(10000))),
  limitation: v.optional(limitationSchema),
  metadata: v.optional(metadata),
  links: v.optional(v.array(link)),
};

export const ruleCreateSchema = strict({
  ...readOnly,
  requirement: requirementSchema,
  reward: rewardSchema,
  ...editable,
});

/** PUT is partial: `requirement` merges over the stored one (so `{purchase_to}` alone is fine). */
export const ruleUpdateSchema = strict({
  ...readOnly,
  requirement: v.optional(v.record(v.string(), v.unknown())),
  reward: v.optional(v.record(v.string(), v.unknown())),
  ...editable,
});

export type RuleInput = v.InferOutput<typeof ruleCreateSchema>;
export type RuleUpdate = v.InferOutput<typeof ruleUpdateSchema>;
export type Requirement = v.InferOutput<typeof requirementSchema>;
export type Reward = v.InferOutput<typeof rewardSchema>;
export type Limitation = v.InferOutput<typeof limitationSchema>;

export interface RuleStatistics {
  stamp: number;
  usage: number;
  used: number;
  amount: number;
  debit_balance: number;
}

/** A rule as stored and returned. */
export interface Rule {
  id: string;
  type: 'item' | 'receipt';
  requirement: Requirement;
  reward: Reward;
  campaign_id?: string;
  active: boolean;
  private: boolean;
  name?: string;
  receipt_text?: string;
  visible_from?: string;
  description?: string;
  limitation?: Limitation;
  metadata?: Record<string, unknown>;
  links?: { href: string; rel?: string; type?: string }[];
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  deleted_at?: string;
  deleted_by?: string;
  statistics?: RuleStatistics;
  /** Only on `GET` of one rule with a budget (docs/budgets.md). */
  budget?: BudgetStatus;
}

/**
 * Every stored rule is a rule the engine reads, without a cast (shared/store/evaluation.ts): this
 * line stops compiling when the two types drift apart. The engine's type is wider only where it
 * reads hand-built rules leniently (its tests, benchmarks).
 */
export type StoredRuleIsEngineRule = Rule extends EngineRule ? true : never;
const _storedRuleIsEngineRule: StoredRuleIsEngineRule = true;

/**
 * `type` is derived: item rules name items. A list holding only wildcards (`{}`, `{"id":"*"}`) stays a
 * receipt rule; `ANY_ITEM` is a real item pattern (it matches every line), so it makes an item rule.
 */
export function deriveType(requirement: Requirement): 'item' | 'receipt' {
  return (requirement.item?.items ?? []).every(isWildcard) ? 'receipt' : 'item';
}

export const RULE_STATES = ['all', 'active', 'scheduled', 'completed', 'available', 'deleted', 'inactive'] as const;
export type RuleState = (typeof RULE_STATES)[number];

export const ruleListQuerySchema = v.pipe(
  v.strictObject({
    ...paging(100),
    purchase_from: v.optional(dateTime),
    purchase_to: v.optional(dateTime),
    state: v.optional(v.picklist(RULE_STATES), 'all'),
    campaign_id: v.optional(repeated(v.pipe(v.string(), v.minLength(1), v.maxLength(255)), 50)),
    include: v.optional(repeated(v.picklist(['statistics']))),
  }),
  noSinceWithStartingAfter(),
);
export type RuleListQuery = v.InferOutput<typeof ruleListQuerySchema>;

export const ruleReadQuerySchema = v.strictObject({ include: v.optional(repeated(v.picklist(['statistics']))) });

/**
 * `keep_id=true` (an import, docs/import.md): the body's `id` (a UUID) becomes the rule's id, 409
 * if taken; only for admin:discounts callers. Without it `id` in a body is ignored, as ever.
 */
export const ruleCreateQuerySchema = v.strictObject({ keep_id: v.optional(boolParam) });
export const keptRuleId = v.pipe(v.string('Expected a UUID'), v.uuid('Expected a UUID'));

/** `expire_stamps=true`: shorten `stamp_expire_days` even though unspent stamps would expire at once. */
export const ruleUpdateQuerySchema = v.strictObject({ expire_stamps: v.optional(boolParam) });
