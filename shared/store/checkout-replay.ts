import { sha256Hex } from '../auth/crypto';
import { DomainError } from '../errors';
import type { CheckoutStore } from './checkout';

/** Who a callback is, and the signature it came with (none for an unsigned call in development). */
export interface Authorized {
  actor: string;
  digest?: string;
  /** The signature's `t` (epoch ms). */
  signedAt?: number;
  /** Until when the digest could be replayed (epoch ms): its `t` plus the tolerance. */
  validUntil?: number;
}

/** What the memory of signatures needs from the account object. */
export interface ReplayDeps {
  store: CheckoutStore;
  /** Runs `fn` in one storage transaction. */
  tx<T>(fn: () => T): T;
}

/**
 * The body is not signed, so one signature goes with one body **per session** (docs/security.md):
 * Dintero signs only the time and the URL, so shoppers whose discount-code calls reach one static URL
 * in the same second share a signature, and each of them is answered. The same signature, session
 * and body again get the first answer; another body for that session is 409 `signature_reused`.
 * Transaction callbacks use the session `''`: their signed query names the transaction.
 *
 * Everything awaited happens before the check: from the check to the claim of the digest the object
 * runs no other request, so two parallel calls cannot both take it. The answer is stored once known;
 * a call that failed is simply processed again.
 */
export async function oncePerSignature<T>(
  deps: ReplayDeps,
  auth: Authorized,
  sessionId: string,
  bodyText: string,
  nowMs: number,
  run: () => Promise<T>,
): Promise<T> {
  if (!auth.digest || auth.validUntil === undefined) return run();
  const { digest, validUntil } = auth;
  const bodyHash = await sha256Hex(bodyText);
  const prior = deps.store.signatureUse(digest, sessionId, nowMs);
  if (prior && prior.body_hash !== bodyHash) {
    throw new DomainError(
      'conflict',
      'signature_reused',
      'This Dintero-Signature was already used for this session with another body; sign each call anew',
    );
  }
  if (prior?.answer) return JSON.parse(prior.answer) as T;
  if (!prior) deps.tx(() => deps.store.claimSignature(digest, sessionId, bodyHash, validUntil, nowMs));
  const answer = await run();
  deps.tx(() => deps.store.answerSignature(digest, sessionId, JSON.stringify(answer)));
  return answer;
}

/**
 * A session's stored plan is replaced only by a call signed at the same second or later than the one
 * that stored it: a signature captured earlier (another shopper's, replayed within its 5 minutes)
 * cannot rewrite a plan a newer call made. Unsigned development calls are not ordered.
 */
export function checkNotSuperseded(storedSignedAt: number | null | undefined, auth: Authorized): void {
  if (storedSignedAt == null || auth.signedAt === undefined) return;
  if (auth.signedAt < storedSignedAt) {
    throw new DomainError(
      'conflict',
      'conflict',
      'A call for this session signed later has already been answered; this older signature cannot replace it',
    );
  }
}
