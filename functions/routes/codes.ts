import { Hono } from 'hono';
import { storeOf, type AppEnv } from '../app-env';
import { scopes } from '../../shared/auth/scopes';
import { uuidParam } from '../../shared/schemas/common';
import {
  codeListQuerySchema,
  codeParam,
  codeSchema,
  codesCreatedSchema,
  codesCreateSchema,
  MAX_CODES_PER_CALL,
  MAX_CODES_PER_RULE,
} from '../../shared/schemas/codes';
import { ok } from '../openapi';
import { operation } from '../operation';
import { listOf } from '../paging';
import { didParam } from '../params';
import { jsonBody, paramOf, queryOf } from '../validate';

const tags = ['Discount codes'];
const EXAMPLE = 'NEWS-7KQ2M9XPRD';
const exampleCode = {
  code: EXAMPLE,
  usage: 1,
  used: 0,
  created_at: '2026-05-01T10:00:00.000Z',
  last_used_at: null,
};

/** `/discounts/rules/{did}/codes`: the rule's code pool (docs/codes.md). */
export const ruleCodes = new Hono<AppEnv>()
  .post(
    '/',
    operation({
      tags,
      summary: 'Generate or import codes for a discount rule',
      description:
        '`{"count": N, "prefix": "NEWS-", "usage": 1}` generates N random codes (10 characters after the prefix ' +
        'from 31 without look-alikes, about 49 bits); `{"codes": [...], "usage": 1}` imports given ones. `usage` ' +
        `(default 1) is how many purchases one code can be used in. At most ${MAX_CODES_PER_CALL} per call and ` +
        `${MAX_CODES_PER_RULE} per rule. Codes already in the pool are left as they are and not listed. From its ` +
        'first code on, the rule applies only to purchases naming one of its codes with a use left ' +
        '(`discount_code` of a receipt, `order.discount_codes` of a checkout session).',
      scopes: scopes.write('discounts'),
      requestExample: { count: 2, prefix: 'NEWS-', usage: 1 },
      responses: {
        200: ok(codesCreatedSchema, 'The codes created', { created: 2, codes: [EXAMPLE, 'NEWS-H3TW8ZCN4B'] }),
      },
    }),
    didParam,
    jsonBody(codesCreateSchema),
    async (c) => c.json(await storeOf(c).createCodes(c.req.valid('param').did, c.req.valid('json'))),
  )
  .get(
    '/',
    operation({
      tags,
      summary: "List a discount rule's codes",
      description:
        '`state`: `available` (uses left), `used` (used at least once), `all` (default). Codes page in code order: ' +
        '`limit` (1–1000, default 100) and `starting_after` (a code).',
      scopes: scopes.read('discounts'),
      responses: { 200: listOf(codeSchema, 'The codes, in code order', [exampleCode]) },
    }),
    didParam,
    queryOf(codeListQuerySchema),
    async (c) => c.json(await storeOf(c).listCodes(c.req.valid('param').did, c.req.valid('query'))),
  )
  .delete(
    '/:code',
    operation({
      tags,
      summary: "Delete a code from a discount rule's pool",
      description:
        'The code can no longer be used; claims that used it keep it. The rule keeps its pool (it still needs a code).',
      scopes: scopes.write('discounts'),
      responses: { 200: ok(codeSchema, 'The deleted code, as it was', exampleCode) },
    }),
    paramOf({ did: uuidParam('Discount rule'), code: codeParam }),
    async (c) => {
      const { did, code } = c.req.valid('param');
      return c.json(await storeOf(c).deleteCode(did, code));
    },
  );
