/**
 * What the API answers, as valibot schemas: the OpenAPI document is generated from them
 * (`ok(schema, ...)` in shared/openapi.ts) and the contract test checks real answers against them.
 * Objects are strict so a field added to an answer without documenting it fails the contract test.
 */
import * as v from 'valibot';
import { ALL_SCOPES } from '../auth/scopes';
import { budgetStatusSchema } from './budget';
import { limitationSchema, requirementSchema, rewardSchema } from './rule';

/** A timestamp as answered: RFC 3339 UTC. */
export const instant = v.pipe(v.string(), v.isoTimestamp('Expected an RFC 3339 date-time'));
const actor = v.pipe(v.string(), v.minLength(1));

/** The fields every entity carries (spec §1). */
export const entityFields = {
  id: v.pipe(v.string(), v.uuid()),
  created_at: instant,
  created_by: actor,
  updated_at: instant,
  updated_by: v.optional(actor),
  deleted_at: v.optional(instant),
  deleted_by: v.optional(actor),
};

export const ruleStatisticsSchema = v.strictObject({
  stamp: v.number(),
  usage: v.number(),
  used: v.number(),
  amount: v.number(),
  debit_balance: v.number(),
});

export const ruleSchema = v.pipe(
  v.strictObject({
    ...entityFields,
    updated_by: actor,
    type: v.picklist(['item', 'receipt']),
    requirement: requirementSchema,
    reward: rewardSchema,
    campaign_id: v.optional(v.string()),
    active: v.boolean(),
    private: v.boolean(),
    name: v.optional(v.string()),
    receipt_text: v.optional(v.string()),
    visible_from: v.optional(instant),
    description: v.optional(v.string()),
    limitation: v.optional(limitationSchema),
    metadata: v.optional(v.record(v.string(), v.unknown())),
    links: v.optional(
      v.array(v.strictObject({ href: v.string(), rel: v.optional(v.string()), type: v.optional(v.string()) })),
    ),
    statistics: v.optional(ruleStatisticsSchema),
    /** `GET` of one rule with a budget: docs/budgets.md. */
    budget: v.optional(budgetStatusSchema),
  }),
  v.metadata({ ref: 'Rule', description: 'A discount rule; `type` is derived from the requirement' }),
);

export const apiClientSchema = v.pipe(
  v.strictObject({
    client_id: v.string(),
    name: v.string(),
    scopes: v.array(v.picklist(ALL_SCOPES)),
    customer_id: v.optional(v.string()),
    created_at: instant,
    created_by: actor,
    deleted_at: v.optional(instant),
    deleted_by: v.optional(actor),
  }),
  v.metadata({ ref: 'ApiClient', description: 'An API client; its secret is never listed' }),
);

export const apiClientCreatedSchema = v.pipe(
  v.strictObject({ ...apiClientSchema.entries, client_secret: v.string() }),
  v.metadata({ ref: 'ApiClientCreated', description: 'A new API client with its secret: shown this once' }),
);

export const tokenResponseSchema = v.pipe(
  v.strictObject({
    access_token: v.string(),
    token_type: v.literal('Bearer'),
    expires_in: v.pipe(v.number(), v.integer()),
  }),
  v.metadata({ ref: 'TokenResponse' }),
);
