import { Hono } from 'hono';
import { storeOf, type AppEnv } from '../app-env';
import { scopes } from '../../shared/auth/scopes';
import { documented, ok } from '../openapi';
import { operation } from '../operation';
import {
  DEFAULT_INCLUDES,
  SEARCH_LIMITS,
  searchBodySchema,
  searchQuerySchema,
  searchResultSchema,
} from '../../shared/schemas/search';
import { jsonBody, queryOf } from '../validate';
import { isPlainObject } from '../../shared/json';
import { parse } from '../../shared/schemas/parse';
import * as v from 'valibot';

/** Any JSON passes here; the handler reads it as Dintero's top-level body or its `{search: ...}`. */
const searchBody = documented(jsonBody(v.unknown()), 'json', searchBodySchema);
const [topLevel, wrapped] = searchBodySchema.options;

/** `POST /discounts/search/rules` (docs/search.md). */
export const search = new Hono<AppEnv>().post(
  '/rules',
  operation({
    tags: ['Discount rules'],
    summary: 'Search active rules by customers and products',
    description:
      'For each `query` entry: the rules active now that one of its `customer_id`s holds (their own ref or a `*` ' +
      'ref) and whose `requirement.item.items` name one of its items, by `id` or by `group_id`. One row per ' +
      "`group_by`, customer, item value and rule; `group_value` is the item's `id` or `group_id`. `rule` holds the " +
      `fields \`includes\` names (default ${DEFAULT_INCLUDES.join(', ')}). Wildcard items (\`*\`, ANY_ITEM) are ` +
      `not searched. At most ${SEARCH_LIMITS.queries} queries of ${SEARCH_LIMITS.customers} customers and ` +
      `${SEARCH_LIMITS.items} items each, ${SEARCH_LIMITS.pairs} customer × item pairs in all; at most ` +
      `${SEARCH_LIMITS.rows} matching rows and ${SEARCH_LIMITS.examined} index rows read (400 \`too_broad\`). ` +
      "`limit` 1–1000 (default 10); page with the answer's `starting_after`. " +
      "Dintero's `{search: {...}}` wrapper is accepted too.",
    scopes: scopes.read('discounts'),
    requestExample: {
      query: [{ customer_id: ['member-1001'], '$.requirement.item.items[*]': [{ id: 'b714118', group_id: 'B1' }] }],
      group_by: ['customer_id#$.requirement.item.items[*].id'],
      includes: ['$.id', '$.name', '$.receipt_text', '$.reward'],
    },
    responses: {
      200: ok(searchResultSchema, 'Matching rules, in a stable order', {
        data: [
          {
            group_by: '$.requirement.item.items[*].id',
            group_value: 'b714118',
            customer_id: 'member-1001',
            id: 'b714118',
            group_id: 'B1',
            rule: {
              id: '497f6eca-6276-4993-bfeb-53cbbbba6f08',
              name: 'Spar 10%',
              receipt_text: 'Mai Salg',
              reward: { type: 'discount_percent', value: 10 },
            },
          },
        ],
      }),
    },
  }),
  queryOf(searchQuerySchema),
  searchBody,
  async (c) => {
    const raw = c.req.valid('json');
    const input =
      isPlainObject(raw) && Object.hasOwn(raw, 'search') ? parse(wrapped, raw).search : parse(topLevel, raw);
    return c.json(await storeOf(c).searchRules(input, c.req.valid('query')));
  },
);
