import * as v from 'valibot';
import { intParam } from './common';

/**
 * `POST /discounts/search/rules` (Dintero's `aid_discounts_rules_search_post`), docs/search.md.
 * The body is Dintero's curl example's, top level; Dintero's published type wraps the same in
 * `search`, which is accepted too.
 */
const SEARCH_GROUP_BY = [
  'customer_id#$.requirement.item.items[*].id',
  'customer_id#$.requirement.item.items[*].group_id',
] as const;
const SEARCH_INCLUDES = [
  '$.campaign_id',
  '$.created_at',
  '$.created_by',
  '$.description',
  '$.id',
  '$.limitation',
  '$.links',
  '$.metadata',
  '$.name',
  '$.private',
  '$.receipt_text',
  '$.requirement',
  '$.reward',
  '$.type',
  '$.updated_at',
  '$.updated_by',
  '$.visible_from',
] as const;
/** What `rule` holds when `includes` is left out (docs/search.md). */
export const DEFAULT_INCLUDES = ['$.id', '$.name', '$.receipt_text', '$.reward'] as const;

/** Limits, each written in docs/search.md. */
export const SEARCH_LIMITS = {
  queries: 10,
  customers: 100,
  items: 100,
  /** customer × item pairs over all entries: what a search's work grows with (issue 21, item 4). */
  pairs: 1000,
  /** Index rows a search may read (the smaller side, counted before it is read). */
  examined: 20_000,
  /** Matching rows before paging. */
  rows: 10_000,
} as const;

const key = v.pipe(v.string(), v.minLength(1), v.maxLength(255));
const item = v.pipe(
  v.strictObject({ id: v.optional(key), group_id: v.optional(key) }),
  v.check((i) => i.id !== undefined || i.group_id !== undefined, 'An item needs id or group_id'),
);

const searchFields = {
  query: v.pipe(
    v.array(
      v.strictObject({
        customer_id: v.pipe(v.array(key), v.minLength(1), v.maxLength(SEARCH_LIMITS.customers)),
        '$.requirement.item.items[*]': v.pipe(v.array(item), v.minLength(1), v.maxLength(SEARCH_LIMITS.items)),
      }),
    ),
    v.minLength(1, 'Expected at least one query'),
    v.maxLength(SEARCH_LIMITS.queries),
    v.check(
      (q) =>
        q.reduce((n, e) => n + e.customer_id.length * e['$.requirement.item.items[*]'].length, 0) <=
        SEARCH_LIMITS.pairs,
      `Expected at most ${SEARCH_LIMITS.pairs} customer × item pairs over all entries`,
    ),
  ),
  group_by: v.pipe(
    v.union(
      [v.picklist(SEARCH_GROUP_BY), v.array(v.picklist(SEARCH_GROUP_BY))],
      `Expected ${SEARCH_GROUP_BY.join(' or ')}`,
    ),
    v.transform((g) => [...new Set(Array.isArray(g) ? g : [g])]),
    v.minLength(1, 'Expected at least one group_by'),
  ),
  includes: v.optional(
    v.pipe(
      v.array(v.picklist(SEARCH_INCLUDES, 'Expected a rule field such as $.name')),
      v.minLength(1),
      v.maxLength(SEARCH_INCLUDES.length),
    ),
  ),
};
const searchObject = v.strictObject(searchFields);

export const searchBodySchema = v.union([searchObject, v.strictObject({ search: searchObject })]);
export type SearchInput = v.InferOutput<typeof searchObject>;

export const searchQuerySchema = v.strictObject({
  limit: v.optional(intParam(1, 1000), '10'),
  starting_after: v.optional(v.pipe(v.string(), v.maxLength(2000))),
});
export type SearchQuery = v.InferOutput<typeof searchQuerySchema>;

export const searchResultSchema = v.strictObject({
  starting_after: v.optional(v.string()),
  data: v.array(
    v.strictObject({
      group_by: v.picklist(['$.requirement.item.items[*].id', '$.requirement.item.items[*].group_id']),
      group_value: v.string(),
      customer_id: v.string(),
      id: v.optional(v.string()),
      group_id: v.optional(v.string()),
      rule: v.record(v.string(), v.unknown()),
    }),
  ),
});
export type SearchResult = v.InferOutput<typeof searchResultSchema>;
