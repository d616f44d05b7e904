import { isKnownAccount } from '../../shared/account-directory';
import { accountClient } from '../account-client';
import type { Env } from '../env';

/**
 * Whether a token's client has been revoked (`DELETE /auth/clients/{id}`, docs/security.md). The
 * account object is the record; each isolate remembers its answer per account and client for at
 * most REVOCATION_BOUND_SECONDS, so a revocation holds everywhere within that bound, and at once on
 * the isolate that revoked. A "revoked" answer never becomes wrong (client ids are never reused),
 * so it is kept. Costs at most one small call to the account object per client, account, isolate
 * and bound; concurrent requests share it. The bootstrap client is not stored and cannot be revoked.
 */
export const REVOCATION_BOUND_SECONDS = 10;
const REMEMBERED_MAX = 10_000;

interface Seen {
  revoked: Promise<boolean>;
  /** Date.now() after which a "not revoked" answer is asked again. */
  until: number;
}
const seen = new Map<string, Seen>();

type RevocationBindings = Pick<Env, 'ACCOUNTS' | 'ACCOUNT_DIRECTORY' | 'BOOTSTRAP_CLIENT_ID'>;

const keyOf = (aid: string, clientId: string) => `${aid}\n${clientId}`;

function remember(key: string, entry: Seen): void {
  if (seen.size >= REMEMBERED_MAX) seen.clear();
  seen.set(key, entry);
}

export async function isClientRevoked(env: RevocationBindings, aid: string, clientId: string): Promise<boolean> {
  if (env.BOOTSTRAP_CLIENT_ID && clientId === env.BOOTSTRAP_CLIENT_ID) return false;
  const key = keyOf(aid, clientId);
  const now = Date.now();
  const hit = seen.get(key);
  if (hit && now < hit.until) return hit.revoked;
  // A never-used account has no clients: answered without creating its object.
  const revoked = (async () =>
    (await isKnownAccount(env, aid)) && (await accountClient(env, aid).clientRevoked(clientId)))();
  const entry: Seen = { revoked, until: now + REVOCATION_BOUND_SECONDS * 1000 };
  remember(key, entry);
  try {
    if (await revoked) entry.until = Number.POSITIVE_INFINITY;
    return await revoked;
  } catch (err) {
    // Not remembered: the next request asks again.
    if (seen.get(key) === entry) seen.delete(key);
    throw err;
  }
}

/** The isolate that revoked a client refuses its tokens at once. */
export function rememberRevoked(aid: string, clientId: string): void {
  remember(keyOf(aid, clientId), { revoked: Promise.resolve(true), until: Number.POSITIVE_INFINITY });
}
