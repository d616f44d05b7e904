import { sha256Hex } from '../shared/auth/crypto';
import type { Context } from 'hono';
import type { AppEnv } from './app-env';
import type { PublicAnswer, PublicCacheInfo } from '../shared/schemas/public-rules';

/**
 * The cache in front of the storefront's public rules (docs/public-offers.md).
 *
 * Keys are synthetic URLs holding the account, its `<epoch>.<content version>` and the normalised
 * query, never a token: `https://cache.rabatt.internal/T12345678/3fa1….42/public/rules?limit=10&…`.
 * Every write that could change a public answer bumps the content version, so the next request
 * looks under a key nobody has filled yet (a miss) while unchanged accounts keep hitting.
 * Time alone also changes answers (a rule's window opens or closes), so each entry carries the
 * instant it stops being right (`x-rabatt-valid-until`) and is ignored from then on.
 *
 * Two layers hold the same entries under the same keys: the Workers Cache API (shared by every
 * isolate in a data centre) and a small map in this isolate, which spares the hot path a cache
 * subrequest. Because the version in the key is read from the account object on every request,
 * the isolate layer can never serve anything the edge layer would not.
 */
const CACHE_ORIGIN = 'https://cache.rabatt.internal';
const VALID_UNTIL = 'x-rabatt-valid-until';
const EDGE_TTL_SECONDS = 86_400;
const ISOLATE_MAX_ENTRIES = 64;
const ISOLATE_MAX_BYTES = 8 * 1024 * 1024;

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

/** Test hooks: the isolate layer's size, and emptying it to exercise the edge layer alone. */
export const isolateCacheSize = () => isolate.size;
export function forgetIsolateCache(): void {
  isolate.clear();
  isolateBytes = 0;
}

export function cacheKey(aid: string, version: string, path: string, query = ''): string {
  return `${CACHE_ORIGIN}/${aid}/${version}/${path}${query ? `?${query}` : ''}`;
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

async function toEdge(key: string, entry: Entry, now: number): Promise<void> {
  const ttl =
    entry.validUntil === null
      ? EDGE_TTL_SECONDS
      : Math.min(EDGE_TTL_SECONDS, Math.max(1, secondsUntil(entry.validUntil, now)));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    etag: entry.etag,
    'cache-control': `public, max-age=${ttl}`,
  };
  if (entry.validUntil !== null) headers[VALID_UNTIL] = String(entry.validUntil);
  await caches.default.put(key, new Response(entry.text, { headers }));
}

/**
 * Answers from the cache when it can, otherwise computes, stores and answers. `compute` returns
 * `data: null` for "no such public object": a 404 that is not cached.
 */
export async function serveCached<T>(
  c: Context<AppEnv>,
  key: (version: string) => string,
  info: PublicCacheInfo,
  compute: () => Promise<PublicAnswer<T | null>>,
  onMissing: () => Error,
): Promise<Response> {
  const now = Date.now();
  const wanted = key(info.version);
  let outcome: 'hit' | 'miss' = 'hit';
  let entry = isolateGet(wanted, now);
  if (!entry) {
    entry = await fromEdge(wanted, now);
    if (entry) isolateSet(wanted, entry);
  }
  if (!entry) {
    outcome = 'miss';
    const answer = await compute();
    if (answer.data === null) throw onMissing();
    const text = JSON.stringify(answer.data);
    entry = { text, gzip: await gzip(text), etag: await strongEtag(text), validUntil: answer.valid_until };
    // Stored under the version the answer was computed at: if a write slipped in since the
    // version was read, the answer is newer than that key and belongs under the newer one.
    if (answer.cacheable) {
      const computedKey = key(answer.version);
      await toEdge(computedKey, entry, now);
      isolateSet(computedKey, entry);
    }
  }

  const maxAge = entry.validUntil === null ? info.max_age : Math.min(info.max_age, secondsUntil(entry.validUntil, now));
  // An answer to a token is that caller's: no shared cache may hand it to anyone else.
  const shared = c.get('caller')?.anonymous === true;
  const headers = new Headers({
    etag: entry.etag,
    'cache-control': `${shared ? 'public' : 'private'}, max-age=${maxAge}`,
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
