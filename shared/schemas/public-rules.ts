import * as v from 'valibot';
import { boolParam, intParam, repeated } from './common';
import { ruleSchema } from './responses';
import { requirementSchema, type Rule } from './rule';

export const publicRulesQuerySchema = v.strictObject({
  limit: v.optional(intParam(1, 100), '10'),
  /** A `ref_id` from an earlier page. */
  starting_after: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
  /** true: only rules given to purchases without a customer (`/`). */
  no_customer_id: v.optional(boolParam),
  campaign_id: v.optional(repeated(v.pipe(v.string(), v.minLength(1), v.maxLength(255)), 50)),
});
export type PublicRulesQuery = v.InferOutput<typeof publicRulesQuerySchema>;

/**
 * A rule as a storefront sees it: built field by field from an allow-list (`toPublicRule`), so a
 * field added to rules later stays private until it is added here. Never shown: the discount code
 * (`requires_code` says one is needed), `requirement.customer` (names, organisation numbers, dates
 * of birth), store details beyond id, name, chain and address (terminal ids, e-mail, phone),
 * statistics, client ids and `dintero:exclude:public:` metadata.
 */
export type PublicRule = v.InferOutput<typeof publicRuleSchema>;

/** What the Worker needs before it can look in the cache: one read of the account object. */
export interface PublicCacheInfo {
  /** `<cache epoch>.<content version>`: changes with every write the public list could show. */
  version: string;
  anonymous: boolean;
  allowed_origins: string[];
  max_age: number;
}

/** A freshly computed public answer and the instant (ms) it stops being right by the clock alone. */
export interface PublicAnswer<T> {
  version: string;
  data: T;
  valid_until: number | null;
  /**
   * False when the question names campaigns that do not exist: answered, never cached, so made-up
   * `campaign_id` values cannot fill the cache (docs/security.md).
   */
  cacheable: boolean;
}

export const EXCLUDE_PUBLIC_PREFIX = 'dintero:exclude:public:';

const oneOf = v.array(v.string());
const publicStoreSchema = v.strictObject({
  id: v.optional(oneOf),
  name: v.optional(oneOf),
  chain: v.optional(oneOf),
  address: v.optional(
    v.strictObject({ country: v.optional(oneOf), postal_code: v.optional(oneOf), postal_place: v.optional(oneOf) }),
  ),
});
const requirementEntries = requirementSchema.pipe[0].entries;
const publicRequirementSchema = v.strictObject({
  purchase_from: v.string(),
  purchase_to: v.string(),
  item: requirementEntries.item,
  store_ids: requirementEntries.store_ids,
  gross_amount: requirementEntries.gross_amount,
  net_amount: requirementEntries.net_amount,
  currencies: requirementEntries.currencies,
  stamp: requirementEntries.stamp,
  store: v.optional(publicStoreSchema),
});

const ruleEntries = ruleSchema.pipe[0].entries;
export const publicRuleSchema = v.pipe(
  v.strictObject({
    id: ruleEntries.id,
    type: ruleEntries.type,
    name: ruleEntries.name,
    description: ruleEntries.description,
    receipt_text: ruleEntries.receipt_text,
    campaign_id: ruleEntries.campaign_id,
    active: ruleEntries.active,
    private: ruleEntries.private,
    visible_from: ruleEntries.visible_from,
    requirement: publicRequirementSchema,
    reward: ruleEntries.reward,
    limitation: ruleEntries.limitation,
    metadata: ruleEntries.metadata,
    links: ruleEntries.links,
    created_at: ruleEntries.created_at,
    updated_at: ruleEntries.updated_at,
    /** True when the rule needs a discount code (`requirement.discount_code` or a code pool; never shown). */
    requires_code: v.boolean(),
    ref_id: v.string(),
  }),
  v.metadata({
    ref: 'PublicRule',
    description:
      'A rule as storefronts see it, from an allow-list of fields: no discount code (`requires_code` says one ' +
      'is needed), no customer requirement, no store details beyond id, name, chain and address, no statistics or ' +
      'client ids, metadata without `dintero:exclude:public:` keys',
  }),
);

/** Copies only what `publicRuleSchema` allows; anything else on the rule stays behind. */
export function toPublicRule(rule: Rule, refId: string, pooled = false): PublicRule {
  const r = rule.requirement;
  const store = r.store && {
    ...(r.store.id && { id: r.store.id }),
    ...(r.store.name && { name: r.store.name }),
    ...(r.store.chain && { chain: r.store.chain }),
    ...(r.store.address && { address: r.store.address }),
  };
  const requirement: PublicRule['requirement'] = {
    purchase_from: r.purchase_from,
    purchase_to: r.purchase_to,
    ...(r.item && { item: r.item }),
    ...(r.store_ids && { store_ids: r.store_ids }),
    ...(r.gross_amount !== undefined && { gross_amount: r.gross_amount }),
    ...(r.net_amount !== undefined && { net_amount: r.net_amount }),
    ...(r.currencies && { currencies: r.currencies }),
    ...(r.stamp !== undefined && { stamp: r.stamp }),
    ...(store && Object.keys(store).length ? { store } : {}),
  };
  const metadata = rule.metadata
    ? Object.fromEntries(Object.entries(rule.metadata).filter(([k]) => !k.startsWith(EXCLUDE_PUBLIC_PREFIX)))
    : undefined;
  return {
    id: rule.id,
    type: rule.type,
    ...(rule.name !== undefined && { name: rule.name }),
    ...(rule.description !== undefined && { description: rule.description }),
    ...(rule.receipt_text !== undefined && { receipt_text: rule.receipt_text }),
    ...(rule.campaign_id !== undefined && { campaign_id: rule.campaign_id }),
    active: rule.active,
    private: rule.private,
    ...(rule.visible_from !== undefined && { visible_from: rule.visible_from }),
    requirement,
    reward: rule.reward,
    ...(rule.limitation !== undefined && { limitation: rule.limitation }),
    ...(metadata && { metadata }),
    ...(rule.links !== undefined && { links: rule.links }),
    created_at: rule.created_at,
    updated_at: rule.updated_at,
    // A rule with a code pool (docs/codes.md) needs one of its codes; none is ever shown.
    requires_code: r.discount_code !== undefined || pooled,
    ref_id: refId,
  };
}
