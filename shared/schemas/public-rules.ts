import * as v from 'valibot';
import { boolParam, intParam, repeated } from './common';
import { ruleSchema } from './responses';
import type { Rule } from './rule';

export const publicRulesQuerySchema = v.strictObject({
  limit: v.optional(intParam(1, 100), '10'),
  /** A `ref_id` from an earlier page. */
  starting_after: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
  /** true: only rules given to purchases without a customer (`/`). */
  no_customer_id: v.optional(boolParam),
  campaign_id: v.optional(
    v.pipe(
      repeated(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
      v.maxLength(50, 'Expected at most 50 campaign ids'),
    ),
  ),
});
export type PublicRulesQuery = v.InferOutput<typeof publicRulesQuerySchema>;

/** A rule as a storefront sees it: no statistics, no client ids, no `dintero:exclude:public:` metadata. */
export type PublicRule = Omit<Rule, 'statistics' | 'created_by' | 'updated_by' | 'deleted_by' | 'deleted_at'> & {
  /** The ref that puts the rule on the public list; page with `starting_after=<ref_id>`. */
  ref_id: string;
};

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
}

const {
  statistics: _s,
  created_by: _c,
  updated_by: _u,
  deleted_at: _d,
  deleted_by: _db,
  ...shownEntries
} = ruleSchema.pipe[0].entries;

export const publicRuleSchema = v.pipe(
  v.strictObject({ ...shownEntries, ref_id: v.string() }),
  v.metadata({
    ref: 'PublicRule',
    description:
      'A rule as storefronts see it: no statistics or client ids, metadata without `dintero:exclude:public:` keys',
  }),
);
