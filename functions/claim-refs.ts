import { KV_KEYS } from '../shared/keys';
import { sha256Hex } from '../shared/auth/crypto';
import type { Claim } from '../shared/schemas/claim';

/**
 * The edge cache of claim refs (KV binding CLAIM_REFS, docs/claims.md). It only ever answers a
 * retry whose body hash matches; the account object stays the authority on which claim a `ref`
 * names, because KV is eventually consistent and has no compare-and-set.
 */
export const CLAIM_REF_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface CachedClaim {
  claim: Claim;
  body_hash: string;
}

/** Keys computed in this isolate, so a retry does not hash its ref again. Bounded: emptied when full. */
const KEYS_MAX = 10_000;
const keys = new Map<string, string>();

/** The KV key of a claim ref: KV_KEYS.claimRef (shared/keys.ts), from a hash of the ref. */
export async function claimRefKey(aid: string, ref: string): Promise<string> {
  const of = `${aid}\n${ref}`;
  let key = keys.get(of);
  if (key === undefined) {
    key = KV_KEYS.claimRef(aid, await sha256Hex(ref));
    if (keys.size >= KEYS_MAX) keys.clear();
    keys.set(of, key);
  }
  return key;
}

/**
 * A small per-isolate copy in front of KV, so a burst of retries reaching the same isolate costs
 * no KV read either. Same rules as KV (only a matching body hash is answered from it); entries
 * live at most a minute, which bounds how long another isolate's release can go unseen here.
 * Bounded by bytes, not entries: a claim of 200 refs is ~100 times one of two, and the isolate
 * has 128 MB for everything.
 */
const MEMORY_TTL_MS = 60_000;
export const MEMORY_MAX_BYTES = 4 * 1024 * 1024;
const memory = new Map<string, { entry: CachedClaim; until: number; bytes: number }>();
let memoryBytes = 0;

/** Roughly what an entry holds in memory: its JSON, two bytes a character, plus its key. */
const sizeOf = (key: string, entry: CachedClaim) => (key.length + JSON.stringify(entry).length) * 2;

function forget(key: string): void {
  const old = memory.get(key);
  if (!old) return;
  memory.delete(key);
  memoryBytes -= old.bytes;
}

const released = (entry: CachedClaim) => entry.claim.deleted_at !== undefined;

/**
 * A claim is released once and for good, so an unreleased copy of a claim already seen released
 * is older and never replaces it (KV is last-writer-wins: a late put can bring one back).
 */
const older = (next: CachedClaim, known: CachedClaim | undefined) =>
  known !== undefined && known.claim.id === next.claim.id && released(known) && !released(next);

/** Keeps `entry` in memory unless this isolate knows it is older; answers the copy kept. */
function remember(key: string, entry: CachedClaim): CachedClaim {
  // An expired entry no longer answers requests, but still says whether the claim was released.
  const known = memory.get(key)?.entry;
  const kept = older(entry, known) ? known! : entry;
  forget(key);
  const bytes = sizeOf(key, kept);
  if (bytes > MEMORY_MAX_BYTES) return kept;
  // Oldest first (a Map keeps insertion order) until the new entry fits.
  while (memoryBytes + bytes > MEMORY_MAX_BYTES) forget(memory.keys().next().value as string);
  memory.set(key, { entry: kept, until: Date.now() + MEMORY_TTL_MS, bytes });
  memoryBytes += bytes;
  return kept;
}

/** Clears the per-isolate copy (tests that edit KV behind the Worker's back). */
export function forgetClaimRefs(): void {
  memory.clear();
  memoryBytes = 0;
}

/** Test hook: what the per-isolate copy holds, in entries and (estimated) bytes. */
export const claimRefMemory = () => ({ entries: memory.size, bytes: memoryBytes });

/** The cached entry, or null when missing, unreadable or not shaped like one (never trusted blindly). */
export async function readClaimRef(kv: KVNamespace, key: string): Promise<CachedClaim | null> {
  const near = memory.get(key);
  if (near && near.until > Date.now()) return near.entry;
  try {
    const value = await kv.get<CachedClaim>(key, 'json');
    if (!value || typeof value.body_hash !== 'string' || typeof value.claim?.id !== 'string') return null;
    return remember(key, value);
  } catch {
    return null;
  }
}

/** KV refuses a second write to one key within about a second; a release right after its claim meets that. */
const RELEASE_PUT_ATTEMPTS = 3;
const RELEASE_PUT_BACKOFF_MS = 1_000;

/**
 * Only a committed claim and its release are written (never a replay, which may carry a copy
 * read before a release). An unreleased copy this isolate already saw released is not written.
 * A release's put is retried, so a refusal cannot leave the unreleased copy for the whole TTL.
 */
export async function writeClaimRef(kv: KVNamespace, key: string, claim: Claim, bodyHash: string): Promise<void> {
  const entry: CachedClaim = { claim, body_hash: bodyHash };
  if (remember(key, entry) !== entry) return;
  const put = () => kv.put(key, JSON.stringify(entry), { expirationTtl: CLAIM_REF_TTL_SECONDS });
  if (!released(entry)) return put();
  for (let attempt = 1; ; attempt++) {
    try {
      return await put();
    } catch (err) {
      if (attempt >= RELEASE_PUT_ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, RELEASE_PUT_BACKOFF_MS * attempt));
    }
  }
}
