import type { Context } from 'hono';
import { afterResponse, type AppEnv } from './app-env';
import { sha256Hex } from '../shared/auth/crypto';
import type { PublicAnswer } from '../shared/schemas/public-rules';
import { CACHE_ORIGIN, cacheClock, cacheTag, forgetIsolateInfos, type InfoRead } from './public-info';

// The account's info and the write purge live in their own modules; re-exported for their callers.
export { cacheClock, cacheTag, ISOLATE_INFO_MS, type InfoRead, readPublicInfo } from './public-info';
export { purgeAfterWrites, purgeEverywhere } from './public-purge';

/**
 * The **answers** of the storefront's public rules (docs/public-offers.md, "Caching"), in the
 * Workers Cache API (one data centre) and in this isolate, under keys holding the version they were
 * computed at (`…/{aid}/{epoch}.{version}/public/rules?limit=10&…`): right for as long as that
 * version is current, except when the clock alone changes them (`x-rabatt-valid-until`). Each is
 * kept gzipped with a strong ETag, so answers are 304 or gzip without work per request.
 */
const VALID_UNTIL = 'x-rabatt-valid-until';
const COUNT = 'x-rabatt-count';
const EDGE_TTL_SECONDS = 86_400;
const ISOLATE_MAX_ENTRIES = 64;
const ISOLATE_MAX_BYTES = 8 * 1024 * 1024;

export function cacheKey(aid: string, version: string, path: string, query = ''): string {
  return `${CACHE_ORIGIN}/${aid}/${version}/${path}${query ? `?${query}` : ''}`;
}

// ---- answers

interface Entry {
  text: string;
  /** The body gzipped once, for the (nearly all) clients that accept it. */
  gzip: Uint8Array;
  etag: string;
  validUntil: number | null;
  /** How many items a list answer holds (null for one object). */
  count: number | null;
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
  forgetIsolateInfos();
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
  const count = cached.headers.get(COUNT);
  return { text, gzip: await gzip(text), etag, validUntil: until ? Number(until) : null, count: count ? +count : null };
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
  if (entry.count !== null) headers[COUNT] = String(entry.count);
  await caches.default.put(key, new Response(entry.text, { headers }));
}

/**
 * Where an entry is kept: a list shorter than its `limit` is the whole rest of the list, the same
 * answer for every `limit` at or above its length, so it goes under the question's `whole` key.
 */
function storageKey(q: CachedQuestion<unknown>, entry: Entry, version: string): string {
  return q.whole && entry.count !== null && entry.count < q.whole.limit ? q.whole.key(version) : q.key(version);
}

async function fromEdgeToIsolate(key: string, now: number): Promise<Entry | undefined> {
  const entry = await fromEdge(key, now);
  if (entry) isolateSet(key, entry);
  return entry;
}

/**
 * The cached answer to `q` at `version`: the whole list when it fits within the limit, else the
 * exact one. This isolate is asked for both keys before the data centre's cache is: a list longer
 * than its limit has no whole entry, and asking the Cache API for it on every request was most of
 * a cached answer's cost (bench/RESULTS.md, "Hot paths").
 */
async function lookup(q: CachedQuestion<unknown>, version: string, now: number): Promise<Entry | undefined> {
  const wholeKey = q.whole?.key(version);
  const fits = (e: Entry | undefined) => e !== undefined && e.count !== null && e.count <= q.whole!.limit;
  if (wholeKey) {
    const whole = isolateGet(wholeKey, now);
    if (fits(whole)) return whole;
  }
  const key = q.key(version);
  const exact = isolateGet(key, now);
  if (exact) return exact;
  if (wholeKey) {
    const whole = await fromEdgeToIsolate(wholeKey, now);
    if (fits(whole)) return whole;
  }
  return fromEdgeToIsolate(key, now);
}

async function computeAndStore<T>(q: CachedQuestion<T>, now: number): Promise<Entry | null> {
  const { aid, compute } = q;
  const answer = await compute();
  if (answer.data === null) return null;
  const text = JSON.stringify(answer.data);
  const count = Array.isArray(answer.data) ? answer.data.length : null;
  const etag = await strongEtag(text);
  const entry = { text, gzip: await gzip(text), etag, validUntil: answer.valid_until, count };
  // Stored under the version the answer was computed at: if a write slipped in since the
  // version was read, the answer is newer than that key and belongs under the newer one. An answer
  // about campaigns that do not exist is not stored (docs/security.md).
  if (answer.cacheable) {
    const computedKey = storageKey(q, entry, answer.version);
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
  /**
   * Lists: the key of the answer that holds the whole rest of the list (`limit` left out), and
   * the limit asked for. Any limit at or above the list's length shares that one entry.
   */
  whole?: { key: (version: string) => string; limit: number };
}

/**
 * Answers from the cache when it can, otherwise computes, stores and answers. When the info was
 * stale and its refresh finds a new version, the answer at that version is computed after this
 * answer too, so the next request finds it ready.
 */
export async function serveCached<T>(c: Context<AppEnv>, read: InfoRead, q: CachedQuestion<T>): Promise<Response> {
  const now = cacheClock.now();
  const { info } = read;
  let outcome: 'hit' | 'stale' | 'miss' = read.outcome === 'stale' ? 'stale' : 'hit';
  let entry = await lookup(q, info.version, now);
  if (!entry) {
    outcome = 'miss';
    const computed = await computeAndStore(q, now);
    if (computed === null) throw q.onMissing();
    entry = computed;
  }
  if (read.refreshed) {
    const ahead = read.refreshed.then((fresh) =>
      fresh &&
      fresh.version !== info.version &&
      !isolate.has(q.key(fresh.version)) &&
      !(q.whole && isolate.has(q.whole.key(fresh.version)))
        ? computeAndStore(q, cacheClock.now())
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
