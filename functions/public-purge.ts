import { createMiddleware } from 'hono/factory';
import { afterResponse, type AppEnv } from './app-env';
import { cacheTag, forgetInfo } from './public-info';

/**
 * Writes and the public cache (docs/public-offers.md, "Caching"). A write through this Worker that
 * can change the public list forgets the account's info here (isolate and data centre), so the next
 * request reads the new version; other data centres notice within their bound, or at once when a
 * zone purge is configured (CACHE_PURGE_ZONE_ID + CACHE_PURGE_API_TOKEN). Which writes can is
 * declared by each route (`operation({changesPublic: true})`): rules, refs, campaigns, settings.
 * Every other write (customers, events, search, claims, automations, checkout, tokens) leaves the
 * cache warm and spends none of the zone's purge quota.
 */

/** Cloudflare's purge by tag for the zone: every data centre forgets the account's entries. */
export async function purgeEverywhere(
  env: { CACHE_PURGE_ZONE_ID?: string; CACHE_PURGE_API_TOKEN?: string },
  aid: string,
  send: typeof fetch = fetch,
): Promise<boolean> {
  if (!env.CACHE_PURGE_ZONE_ID || !env.CACHE_PURGE_API_TOKEN) return false;
  const res = await send(`https://api.cloudflare.com/client/v4/zones/${env.CACHE_PURGE_ZONE_ID}/purge_cache`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.CACHE_PURGE_API_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tags: [cacheTag(aid)] }),
  });
  if (!res.ok) throw new Error(`purge_cache answered ${res.status}`);
  await res.body?.cancel();
  return true;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * After a successful write its route declared public: the account's info is forgotten in this data
 * centre before the answer leaves (the next request reads the new version), and purged everywhere
 * after it.
 */
export const purgeAfterWrites = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (!WRITES.has(c.req.method) || c.res.status >= 400 || c.get('changesPublic') !== true) return;
  const aid = c.req.param('aid') as string;
  await forgetInfo(aid);
  void afterResponse(c, purgeEverywhere(c.env, aid), 'public cache purge');
});
