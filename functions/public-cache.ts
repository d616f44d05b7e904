import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { afterResponse, type AppEnv } from './app-env';
import { sha256Hex } from '../shared/auth/crypto';
import type { PublicAnswer, PublicCacheInfo } from '../shared/schemas/public-rules';

/**
 * The cache in front of the storefront's public rules (docs/public-offers.md, "Caching").
 *
 * Two kinds of entries, both in the Workers Cache API (one data centre) and in this isolate:
 *
 * - the account's **info** (content version + public settings), under `…/{aid}/public/info`, with
 *   the instant it was read from the account object (its birth). For `max_age` seconds it is
 *   *fresh*: requests use it without calling the object. Up to `2 × max_age` it is *stale*: still
 *   used (a storefront never waits on a refill), while one refresh per isolate runs after the
 *   answer. Past that hard bound it is never used: the request reads the object itself.
 * - the **answers**, under keys holding the version they were computed at
 *   (`…/{aid}/{epoch}.{version}/public/rules?limit=10&…`): right for as long as that version is
 *   current, except when the clock alone changes them (`x-rabatt-valid-until`).
 *
 * A write through this Worker forgets the account's info here (isolate and data centre), so the
 * next request reads the new version; other data centres notice within their bound, or at once
 * when a zone purge is configured (CACHE_PURGE_ZONE_ID + CACHE_PURGE_API_TOKEN).
 *
 * The isolate keeps an info for at most ISOLATE_INFO_MS before asking the data centre's cache
 * again: other isolates of the data centre that took a write see it within that second.
 */
const CACHE_ORIGIN = 'https://cache.rabatt.internal';
const VALID_UNTIL = 'x-rabatt-valid-until';
const BORN = 'x-rabatt-born';
const EDGE_TTL_SECONDS = 86_400;
const ISOLATE_MAX_ENTRIES = 64;
const ISOLATE_MAX_BYTES = 8 * 1024 * 1024;
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

export function cacheKey(aid: string, version: string, path: string, query = ''): string {
  return `${CACHE_ORIGIN}/${aid}/${version}/${path}${query ? `?${query}` : ''}`;
}

// ---- the account's info

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

// ---- writes: forget here, purge everywhere when configured

async function forgetInfo(aid: string): Promise<void> {
  const key = infoKey(aid);
  infos.delete(key);
  forgotten.delete(key);
  forgotten.set(key, ++forgets);
  if (forgotten.size > ISOLATE_MAX_INFOS) forgotten.delete(forgotten.keys().next().value!);
  await caches.default.delete(key);
}

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
/** Writes that never change a public answer: evaluation and claims, checkout callbacks, tokens. */
const NOT_PUBLIC = /^\/v1\/accounts\/[^/]+\/(discounts\/available_for_receipt|checkout|auth)(\/|$)/;

/**
 * After a successful write: the account's info is forgotten in this data centre before the
 * answer leaves (the next request reads the new version), and purged everywhere after it.
 */
export const purgeAfterWrites = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (!WRITES.has(c.req.method) || c.res.status >= 400 || NOT_PUBLIC.test(c.req.path)) return;
  const aid = c.req.param('aid') as string;
  await forgetInfo(aid);
  void afterResponse(c, purgeEverywhere(c.env, aid), 'public cache purge');
});

// ---- answers

interface Entry {
  text: string;
  /** The body gzipped once, for the (nearly all) clients that accept it. */
  gzip: Uint8Array;
  etag: string;
  validUntil: number | null;
}

/** Least recently used first (a Map keeps insertion order; a hit re-inserts). */
const isolate = new Map<string, Entry>();
let isolateBytes = 0;

const sizeOf = (e: Entry) => e.text.length * 2 + e.gzip.byteLength;

function isolateGet(key: string, now: number): Entry | undefined {
  const entry = isolate.get(key);
  if (!entry) return undefined;
  isolate.delete(key);
  if (entry.validUntil !== null && entry.validUntil <= now) {
    isolateBytes -= sizeOf(entry);
    return undefined;
  }
  isolate.set(key, entry);
  return entry;
}

function isolateSet(key: string, entry: Entry): void {
  const old = isolate.get(key);
  if (old) {
    isolate.delete(key);
    isolateBytes -= sizeOf(old);
  }
  isolate.set(key, entry);
  isolateBytes += sizeOf(entry);
  for (const [k, e] of isolate) {
    if (isolate.size <= ISOLATE_MAX_ENTRIES && isolateBytes <= ISOLATE_MAX_BYTES) break;
    isolate.delete(k);
    isolateBytes -= sizeOf(e);
  }
}

/** Test hooks: the isolate layer's size, and emptying it to exercise the data centre's cache alone. */
export const isolateCacheSize = () => isolate.size;
export function forgetIsolateCache(): void {
  isolate.clear();
  isolateBytes = 0;
  infos.clear();
  refreshing.clear();
  forgotten.clear();
}

/** An ETag from the body itself, so an answer that did not change keeps its tag across versions. */
async function strongEtag(body: string): Promise<string> {
  return `"${(await sha256Hex(body)).slice(0, 32)}"`;
}

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Response(text).body!.pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** RFC 9110 §13.1.2: If-None-Match compares weakly, and `*` matches any current representation. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === opaque);
}

/** Whether `Accept-Encoding` takes gzip (and does not refuse it with q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (!q || Number(q.slice(2)) > 0);
  });
}

const secondsUntil = (instant: number, now: number) => Math.max(0, Math.floor((instant - now) / 1000));

async function fromEdge(key: string, now: number): Promise<Entry | undefined> {
  const cached = await caches.default.match(key);
  if (!cached) return undefined;
  const until = cached.headers.get(VALID_UNTIL);
  const etag = cached.headers.get('etag');
  if (!etag || (until && Number(until) <= now)) {
    await cached.body?.cancel();
    return undefined;
  }
  const text = await cached.text();
  return { text, gzip: await gzip(text), etag, validUntil: until ? Number(until) : null };
}

async function toEdge(aid: string, key: string, entry: Entry, now: number): Promise<void> {
  const ttl =
    entry.validUntil === null
      ? EDGE_TTL_SECONDS
      : Math.min(EDGE_TTL_SECONDS, Math.max(1, secondsUntil(entry.validUntil, now)));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    etag: entry.etag,
    'cache-control': `public, max-age=${ttl}`,
    'cache-tag': cacheTag(aid),
  };
  if (entry.validUntil !== null) headers[VALID_UNTIL] = String(entry.validUntil);
  await caches.default.put(key, new Response(entry.text, { headers }));
}

async function computeAndStore<T>(
  aid: string,
  key: (version: string) => string,
  compute: () => Promise<PublicAnswer<T | null>>,
  now: number,
): Promise<Entry | null> {
  const answer = await compute();
  if (answer.data === null) return null;
  const text = JSON.stringify(answer.data);
  const entry = { text, gzip: await gzip(text), etag: await strongEtag(text), validUntil: answer.valid_until };
  // Stored under the version the answer was computed at: if a write slipped in since the
  // version was read, the answer is newer than that key and belongs under the newer one. An answer
  // about campaigns that do not exist is not stored (docs/security.md).
  if (answer.cacheable) {
    const computedKey = key(answer.version);
    await toEdge(aid, computedKey, entry, now);
    isolateSet(computedKey, entry);
  }
  return entry;
}

export interface CachedQuestion<T> {
  aid: string;
  /** The cache key of this question at a version. */
  key: (version: string) => string;
  /** Computes the answer in the account object; `data: null` for "no such public object" (404, not cached). */
  compute: () => Promise<PublicAnswer<T | null>>;
  onMissing: () => Error;
}

/**
 * Answers from the cache when it can, otherwise computes, stores and answers. When the info was
 * stale and its refresh finds a new version, the answer at that version is computed after this
 * answer too, so the next request finds it ready.
 */
export async function serveCached<T>(c: Context<AppEnv>, read: InfoRead, q: CachedQuestion<T>): Promise<Response> {
  const now = cacheClock.now();
  const { info } = read;
  const wanted = q.key(info.version);
  let outcome: 'hit' | 'stale' | 'miss' = read.outcome === 'stale' ? 'stale' : 'hit';
  let entry = isolateGet(wanted, now);
  if (!entry) {
    entry = await fromEdge(wanted, now);
    if (entry) isolateSet(wanted, entry);
  }
  if (!entry) {
    outcome = 'miss';
    const computed = await computeAndStore(q.aid, q.key, q.compute, now);
    if (computed === null) throw q.onMissing();
    entry = computed;
  }
  if (read.refreshed) {
    const ahead = read.refreshed.then((fresh) =>
      fresh && fresh.version !== info.version && !isolate.has(q.key(fresh.version))
        ? computeAndStore(q.aid, q.key, q.compute, cacheClock.now())
        : null,
    );
    void afterResponse(c, ahead, 'public answer refresh');
  }

  // Browsers and shared caches may keep the answer for what is left of the info's freshness.
  const age = Math.max(0, Math.floor((now - read.born) / 1000));
  const left = Math.max(0, info.max_age - age);
  const maxAge = entry.validUntil === null ? left : Math.min(left, secondsUntil(entry.validUntil, now));
  // An answer to a token is that caller's: no shared cache may hand it to anyone else.
  const shared = c.get('caller')?.anonymous === true;
  const headers = new Headers({
    etag: entry.etag,
    'cache-control': `${shared ? 'public' : 'private'}, max-age=${maxAge}`,
    age: String(age),
    'x-rabatt-cache': outcome,
    vary: 'Accept-Encoding, Authorization',
  });
  if (matchesIfNoneMatch(c.req.header('if-none-match'), entry.etag))
    return new Response(null, { status: 304, headers });
  headers.set('content-type', 'application/json');
  if (acceptsGzip(c.req.header('accept-encoding'))) {
    headers.set('content-encoding', 'gzip');
    // Already compressed: the runtime must send these bytes as they are.
    return new Response(entry.gzip, { status: 200, headers, encodeBody: 'manual' });
  }
  return new Response(entry.text, { status: 200, headers });
}
