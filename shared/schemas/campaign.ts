import * as v from 'valibot';
import { budgetFields, budgetStatusSchema, type BudgetStatus } from './budget';
import { metadata, noSinceWithStartingAfter, paging, serverOwned } from './common';
import { entityFields } from './responses';

/**
 * A campaign groups rules: a rule's `campaign_id` names a campaign's `campaign_id`, which the
 * merchant chooses (it also appears in the path). It may not hold characters that would break a
 * URL path; without one, the campaign's server-minted `id` is used.
 */
export const campaignKey = v.pipe(
  v.string(),
  v.regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@+~-]{0,254}$/,
    'Expected 1–255 letters, digits or . _ : @ + ~ -, starting with a letter or digit',
  ),
);

const readOnly = serverOwned('budget');

/** A campaign's budget caps all its rules together (docs/budgets.md). */
const campaignLimitation = v.strictObject(budgetFields);

const name = v.pipe(v.string(), v.minLength(1, 'Expected a non-empty name'), v.maxLength(1000));
const description = v.pipe(v.string(), v.maxLength(10000));

export const campaignCreateSchema = v.strictObject({
  ...readOnly,
  campaign_id: v.optional(campaignKey),
  name,
  description: v.optional(description),
  private: v.optional(v.boolean()),
  metadata: v.optional(metadata),
  limitation: v.optional(campaignLimitation),
});

/** PUT is partial; `description: null` removes it, `metadata` replaces the stored object. */
export const campaignUpdateSchema = v.strictObject({
  ...readOnly,
  campaign_id: v.optional(v.string()),
  name: v.optional(name),
  description: v.optional(v.nullable(description)),
  private: v.optional(v.boolean()),
  metadata: v.optional(v.nullable(metadata)),
  /** Replaces the stored limitation; `null` removes the budget. */
  limitation: v.optional(v.nullable(campaignLimitation)),
});

export const CAMPAIGN_STATES = ['all', 'public', 'private', 'deleted'] as const;

export const campaignListQuerySchema = v.pipe(
  v.strictObject({
    ...paging(100),
    state: v.optional(v.picklist(CAMPAIGN_STATES), 'all'),
  }),
  noSinceWithStartingAfter(),
);

export type CampaignInput = v.InferOutput<typeof campaignCreateSchema>;
export type CampaignUpdate = v.InferOutput<typeof campaignUpdateSchema>;
export type CampaignListQuery = v.InferOutput<typeof campaignListQuerySchema>;

export interface Campaign {
  id: string;
  campaign_id: string;
  name: string;
  description?: string;
  private: boolean;
  metadata?: Record<string, unknown>;
  limitation?: { budget_amount?: number; budget_usage?: number };
  /** Only on `GET` of one campaign with a budget. */
  budget?: BudgetStatus;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  deleted_at?: string;
  deleted_by?: string;
}

export const campaignSchema = v.pipe(
  v.strictObject({
    ...entityFields,
    updated_by: v.string(),
    campaign_id: v.string(),
    name: v.string(),
    description: v.optional(v.string()),
    private: v.boolean(),
    metadata: v.optional(v.record(v.string(), v.unknown())),
    limitation: v.optional(campaignLimitation),
    budget: v.optional(budgetStatusSchema),
  }),
  v.metadata({ ref: 'Campaign', description: 'A group of rules; rules name it in their `campaign_id`' }),
);
