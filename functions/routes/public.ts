import { Hono, type Context } from 'hono';
import { isKnownAccount } from '../../shared/account-directory';
import { SETTINGS_DEFAULTS } from '../../shared/schemas/settings';
import { createMiddleware } from 'hono/factory';
import * as v from 'valibot';
import { accountOf, storeOf, type AppEnv } from '../app-env';
import { authenticate, hasAnyScope } from '../auth/guard';
import type { Scope } from '../../shared/auth/scopes';
import { notFound } from '../../shared/errors';
import { HttpError } from '../errors';
import { noContent, ok } from '../openapi';
import { operation } from '../operation';
import { didParam } from '../params';
import {
  publicRuleSchema,
  publicRulesQuerySchema,
  type PublicCacheInfo,
  type PublicRulesQuery,
} from '../../shared/schemas/public-rules';
import { queryOf } from '../validate';
import { cacheKey, type InfoRead, readPublicInfo, serveCached } from '../public-cache';

/**
 * The storefront's "current offers": the busiest endpoint, served from the edge cache.
 * Per request: the account's content version and public settings, from the cache within
 * `max_age` (functions/public-cache.ts; else one call to the account object), then the answer.
 * Authorisation happens before the answer is looked up; CORS headers are added per request
 * afterwards, so the cached body is the same for every origin and every caller.
 */
type PublicEnv = AppEnv & { Variables: { publicInfo?: InfoRead; publicInfoPending?: Promise<InfoRead> } };

const PUBLIC_SCOPES: Scope[] = ['public:discounts', 'read:discounts', 'admin:discounts'];
const EXPOSED = 'ETag, Cache-Control, Age, x-rabatt-cache';

/** What a never-used account would answer: defaults, no anonymous access, nothing cached under it. */
const NEVER_USED: PublicCacheInfo = { version: 'never-used', ...SETTINGS_DEFAULTS.public_offers };

function allowedOrigin(read: InfoRead | undefined, origin: string | undefined): string | undefined {
  const info: PublicCacheInfo | undefined = read?.info;
  if (!info || !origin) return undefined;
  if (info.allowed_origins.includes('*')) return '*';
  return info.allowed_origins.includes(origin.toLowerCase()) ? origin : undefined;
}

/**
 * Starts the read of the account's info (content version + public settings; cached) and decorates
 * whatever answer comes back, errors included, with CORS headers for allowed origins.
 */
const cors = createMiddleware<PublicEnv>(async (c, next) => {
  // A never-used account has no public offers and no settings: answered without its object (the
  // directory is read only when the cached info is missing or past its bound).
  const aid = accountOf(c);
  const pending = readPublicInfo(c, aid, async () =>
    (await isKnownAccount(c.env, aid)) ? storeOf(c).publicCacheInfo() : NEVER_USED,
  );
  pending.catch(() => undefined); // awaited below; an early 401 must not leave it unobserved
  c.set('publicInfoPending', pending);
  try {
    await next();
  } finally {
    c.res.headers.append('Vary', 'Origin');
    // A bad token can fail before the read is back; its 401 still deserves readable CORS headers.
    const info = c.get('publicInfo') ?? (await pending.catch(() => undefined));
    const allowed = allowedOrigin(info, c.req.header('origin'));
    if (allowed) {
      c.res.headers.set('Access-Control-Allow-Origin', allowed);
      c.res.headers.set('Access-Control-Expose-Headers', EXPOSED);
    }
  }
});

async function publicInfo(c: Context<PublicEnv>): Promise<InfoRead> {
  const info = await c.get('publicInfoPending')!;
  c.set('publicInfo', info);
  return info;
}

/**
 * A token with a public-offers scope, or no token at all when the account allows anonymous access.
 * A token is verified while the account object is being read, not after.
 */
const access = (allowed: readonly Scope[]) =>
  createMiddleware<PublicEnv>(async (c, next) => {
    const authorization = c.req.header('authorization');
    if (authorization === undefined) {
      if (!(await publicInfo(c)).info.anonymous) {
        throw new HttpError(401, 'unauthorized', 'Send an access token: Authorization: Bearer <token>');
      }
      c.set('caller', { clientId: 'anonymous', scopes: [], anonymous: true });
    } else {
      const [caller] = await Promise.all([authenticate(authorization, c.env, accountOf(c)), publicInfo(c)]);
      if (!hasAnyScope(caller.scopes, allowed)) {
        throw new HttpError(403, 'forbidden', `This operation needs one of the scopes: ${allowed.join(', ')}`);
      }
      c.set('caller', caller);
    }
    await next();
  });

/**
 * The query in one canonical spelling, defaults included, so equal questions share a cache entry.
 * `limit: 'all'` names the whole rest of the list, shared by every limit at or above its length.
 */
function normalisedQuery(q: PublicRulesQuery, limit: number | 'all' = q.limit): string {
  // Built by hand: two URLSearchParams a request were a tenth of a cached answer's time.
  let query = `limit=${limit}&no_customer_id=${q.no_customer_id ?? false}`;
  if (q.starting_after) query += `&starting_after=${encodeURIComponent(q.starting_after)}`;
  for (const id of [...new Set(q.campaign_id ?? [])].sort()) query += `&campaign_id=${encodeURIComponent(id)}`;
  return query;
}

const preflight = async (c: Context<PublicEnv>) => {
  if (allowedOrigin(await publicInfo(c), c.req.header('origin'))) {
    c.header('Access-Control-Allow-Methods', 'GET, OPTIONS');
    c.header('Access-Control-Allow-Headers', 'Authorization, If-None-Match');
    c.header('Access-Control-Max-Age', '600');
  }
  return c.body(null, 204);
};

const cacheHeaders = {
  ETag: { description: 'Strong validator of the body; send it back in If-None-Match', schema: { type: 'string' } },
  'Cache-Control': {
    description:
      '`public, max-age=<settings.public_offers.max_age>` without a token, `private, max-age=…` with one (less ' +
      'when an offer is about to change)',
    schema: { type: 'string' },
  },
  'x-rabatt-cache': {
    description:
      '`hit`: from the edge cache; `stale`: from the edge cache past `max_age` while a refresh runs; ' +
      '`miss`: computed now',
    schema: { type: 'string', enum: ['hit', 'stale', 'miss'] },
  },
  Age: { description: 'Seconds since the account object was last asked (RFC 9111 §5.1)', schema: { type: 'string' } },
};
const ANONYMOUS_NOTE =
  'Needs a token with `public:discounts` (or `read:discounts`/`admin:discounts`), or no token at all when the ' +
  'account has turned on `public_offers.anonymous` in its settings. Served from the edge cache; `If-None-Match` ' +
  'answers 304. Without a token: at most 100 requests per 10 s per address (429 with Retry-After). The discount ' +
  'code and customer requirements are never shown; `requires_code` says a code is needed.';

export const publicRules = new Hono<PublicEnv>()
  .use('*', cors)
  // CORS preflights are answered but, like every preflight, not part of the OpenAPI contract.
  .options('/rules', preflight)
  .options('/rules/:did', preflight)
  .get(
    '/rules',
    operation({
      tags: ['Public offers'],
      summary: 'Current public offers (storefront list, edge-cached)',
      description: ANONYMOUS_NOTE,
      scopes: PUBLIC_SCOPES,
      access,
      responses: {
        200: ok(v.array(publicRuleSchema), 'Rules visible now, given to `*` or `/`', undefined, cacheHeaders),
        304: noContent('Not modified'),
      },
      errors: [429],
    }),
    queryOf(publicRulesQuerySchema),
    async (c) => {
      const q = c.req.valid('query');
      const aid = accountOf(c);
      const query = normalisedQuery(q);
      const whole = normalisedQuery(q, 'all');
      return serveCached(c, c.get('publicInfo')!, {
        aid,
        key: (version) => cacheKey(aid, version, 'public/rules', query),
        whole: { key: (version) => cacheKey(aid, version, 'public/rules', whole), limit: q.limit },
        compute: () => storeOf(c).listPublicRules(q, Date.now()),
        onMissing: () => notFound('Public discount rule'),
      });
    },
  )
  .get(
    '/rules/:did',
    operation({
      tags: ['Public offers'],
      summary: 'One current public offer (edge-cached)',
      description: ANONYMOUS_NOTE,
      scopes: PUBLIC_SCOPES,
      access,
      responses: {
        200: ok(publicRuleSchema, 'The rule, if it is on the public list now', undefined, cacheHeaders),
        304: noContent('Not modified'),
      },
      errors: [404, 429],
    }),
    didParam,
    async (c) => {
      const did = c.req.valid('param').did;
      const aid = accountOf(c);
      return serveCached(c, c.get('publicInfo')!, {
        aid,
        key: (version) => cacheKey(aid, version, `public/rules/${did}`),
        compute: () => storeOf(c).getPublicRule(did, Date.now()),
        onMissing: () => notFound('Public discount rule'),
      });
    },
  );
