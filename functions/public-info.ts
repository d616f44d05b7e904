import type { Context } from 'hono';
import { afterResponse, type AppEnv } from './app-env';
import type { PublicCacheInfo } from '../shared/schemas/public-rules';

/**
 * The account's **info** for the public cache (docs/public-offers.md, "Caching"): its content
 * version and public settings, in the Workers Cache API (one data centre) and in this isolate,
 * under `…/{aid}/public/info`, with the instant it was read from the account object (its birth).
 * For `max_age` seconds it is *fresh*: requests use it without calling the object. Up to
 * `2 × max_age` it is *stale*: still used (a storefront never waits on a refill), while one refresh
 * per isolate runs after the answer. Past that hard bound it is never used: the request reads the
 * object itself.
 *
 * The isolate keeps an info for at most ISOLATE_INFO_MS before asking the data centre's cache
 * again: other isolates of the data centre that took a write see it within that second. The
 * answers (functions/public-cache.ts) are keyed by the version read here; writes that change the
 * public list forget it (functions/public-purge.ts).
 */
export const CACHE_ORIGIN = 'https://cache.rabatt.internal';
const BORN = 'x-rabatt-born';
const ISOLATE_MAX_INFOS = 1024;
export const ISOLATE_INFO_MS = 1000;
/** A refresh that has not finished after this long no longer stops another from starting. */
const REFRESH_TIMEOUT_MS = 10_000;

/** The clock the cache reads (test hook: tests move it instead of sleeping through `max_age`). */
export const cacheClock = { now: (): number => Date.now() };

/** The latest an info may be used: fresh for `max_age`, then stale as long again. */
export const hardBoundMs = (maxAge: number) => 2 * maxAge * 1000;

export const infoKey = (aid: string) => `${CACHE_ORIGIN}/${aid}/public/info`;
/** The tag every entry of an account carries, for Cloudflare's purge by tag. */
export const cacheTag = (aid: string) => `rabatt-public-${aid}`;

interface InfoEntry {
  info: PublicCacheInfo;
  /** When it was read from the account object (before the call, so ages are never understated). */
  born: number;
  /** When this isolate last took it from the data centre's cache or the object. */
  checked: number;
}

export type InfoOutcome = 'fresh' | 'stale' | 'read';

export interface InfoRead {
  info: PublicCacheInfo;
  born: number;
  outcome: InfoOutcome;
  /** Only when stale: the refresh running after the answer (undefined when another one runs). */
  refreshed?: Promise<PublicCacheInfo | undefined>;
}

const infos = new Map<string, InfoEntry>();
/** Refreshes under way in this isolate, by key: when each started. */
const refreshing = new Map<string, number>();
/**
 * When (in this isolate's count of forgets) an account's info was last forgotten: a read that
 * started before a forget must not store what it read. Dropping old marks only loses a store.
 */
const forgotten = new Map<string, number>();
let forgets = 0;

const isFresh = (e: InfoEntry, now: number) => now - e.born < e.info.max_age * 1000;
const isUsable = (e: InfoEntry, now: number) => now - e.born < hardBoundMs(e.info.max_age);

function rememberInfo(key: string, entry: InfoEntry): void {
  infos.delete(key);
  infos.set(key, entry);
  if (infos.size > ISOLATE_MAX_INFOS) infos.delete(infos.keys().next().value!);
}

async function infoFromEdge(key: string, now: number): Promise<InfoEntry | undefined> {
  const cached = await caches.default.match(key);
  if (!cached) return undefined;
  const born = Number(cached.headers.get(BORN));
  const info = (await cached.json()) as PublicCacheInfo;
  return Number.isFinite(born) ? { info, born, checked: now } : undefined;
}

async function storeInfo(aid: string, entry: InfoEntry, generation: number): Promise<void> {
  const key = infoKey(aid);
  if ((forgotten.get(key) ?? 0) !== generation) return; // read before a write this isolate saw
  if (entry.info.max_age <= 0) return; // max_age 0: every request reads the object
  rememberInfo(key, entry);
  const ttl = Math.max(1, Math.ceil((entry.born + hardBoundMs(entry.info.max_age) - cacheClock.now()) / 1000));
  await caches.default.put(
    key,
    new Response(JSON.stringify(entry.info), {
      headers: {
        'content-type': 'application/json',
        'cache-control': `public, max-age=${ttl}`,
        'cache-tag': cacheTag(aid),
        [BORN]: String(entry.born),
      },
    }),
  );
}

async function readFromObject(aid: string, load: () => Promise<PublicCacheInfo>): Promise<InfoEntry> {
  const generation = forgotten.get(infoKey(aid)) ?? 0;
  const born = cacheClock.now();
  const info = await load();
  const entry = { info, born, checked: cacheClock.now() };
  await storeInfo(aid, entry, generation);
  return entry;
}

/**
 * The account's info for a public request: from the cache while fresh, from the cache with a
 * refresh after the answer while stale, else from the account object (`load`).
 */
export async function readPublicInfo(
  c: Context<AppEnv>,
  aid: string,
  load: () => Promise<PublicCacheInfo>,
): Promise<InfoRead> {
  const key = infoKey(aid);
  const now = cacheClock.now();
  let entry = infos.get(key);
  if (!entry || now - entry.checked >= ISOLATE_INFO_MS || !isFresh(entry, now)) {
    const edge = await infoFromEdge(key, now);
    if (edge && (!entry || edge.born > entry.born)) entry = edge;
    if (entry) rememberInfo(key, { ...entry, checked: now });
  }
  if (entry && isFresh(entry, now)) return { info: entry.info, born: entry.born, outcome: 'fresh' };
  if (entry && isUsable(entry, now)) {
    return { info: entry.info, born: entry.born, outcome: 'stale', refreshed: refreshLater(c, aid, key, load, now) };
  }
  const read = await readFromObject(aid, load);
  return { info: read.info, born: read.born, outcome: 'read' };
}

/** One refresh per key and isolate at a time, after the answer (waitUntil). */
function refreshLater(
  c: Context<AppEnv>,
  aid: string,
  key: string,
  load: () => Promise<PublicCacheInfo>,
  now: number,
): Promise<PublicCacheInfo | undefined> | undefined {
  const started = refreshing.get(key);
  if (started !== undefined && now - started < REFRESH_TIMEOUT_MS) return undefined;
  refreshing.set(key, now);
  const work = readFromObject(aid, load)
    .then((e) => e.info)
    .finally(() => refreshing.delete(key));
  void afterResponse(c, work, 'public info refresh');
  return work.catch(() => undefined);
}

/** After a write that changes the public list: this isolate and data centre forget the info. */
export async function forgetInfo(aid: string): Promise<void> {
  const key = infoKey(aid);
  infos.delete(key);
  forgotten.delete(key);
  forgotten.set(key, ++forgets);
  if (forgotten.size > ISOLATE_MAX_INFOS) forgotten.delete(forgotten.keys().next().value!);
  await caches.default.delete(key);
}

/** Test hook: forgets every info of this isolate. */
export function forgetIsolateInfos(): void {
  infos.clear();
  refreshing.clear();
  forgotten.clear();
}
