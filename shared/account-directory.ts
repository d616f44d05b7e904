import { KV_KEYS } from './keys';

/**
 * The account directory (docs/security.md, "What costs storage"): one KV key per account that has
 * ever written anything. Requests without credentials ask it before they may reach an account
 * object, so a never-used account id costs a KV read, never a new SQLite database.
 *
 * The account object writes its key after its first committed write (with the registry entry,
 * shared/maintenance/registry.ts), and the writes that make an account reachable without a token
 * (an API client, a checkout secret, public-offers settings) wait for it before they answer.
 * A key is never deleted: a "known" answer never becomes wrong, so the Worker remembers it in
 * this isolate. KV is eventually consistent; an "unknown" answer may be up to 60 s old.
 */
/** The one binding the directory needs: absent when a script runs the app alone. */
export interface DirectoryBindings {
  ACCOUNT_DIRECTORY?: KVNamespace;
}

const KNOWN_IN_ISOLATE_MAX = 10_000;
const knownHere = new Set<string>();

export async function isKnownAccount(env: DirectoryBindings, aid: string): Promise<boolean> {
  if (knownHere.has(aid)) return true;
  if (!env.ACCOUNT_DIRECTORY) return true; // not bound (a script running the app alone): no gate
  const found = (await env.ACCOUNT_DIRECTORY.get(KV_KEYS.account(aid))) !== null;
  if (found) {
    if (knownHere.size >= KNOWN_IN_ISOLATE_MAX) knownHere.clear();
    knownHere.add(aid);
  }
  return found;
}

/** Idempotent: called by the account object once it has data (and retried until it succeeded). */
export async function publishAccount(env: DirectoryBindings, aid: string): Promise<void> {
  await env.ACCOUNT_DIRECTORY?.put(KV_KEYS.account(aid), new Date().toISOString());
}
