import { sign, verify } from 'hono/jwt';
import type { Scope } from '../../shared/auth/scopes';
import { HttpError } from '../errors';

export const TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

export interface TokenClaims {
  iss: 'rabatt';
  sub: string; // client id
  aud: string;
  aid: string; // the one account this token is for
  scopes: Scope[];
  /** Set for a client bound to one customer (its `user:discounts` reads only theirs). */
  customer_id?: string;
  iat: number;
  exp: number;
}

/** At least 32 bytes of UTF-8; secrets that passed are remembered (checked on every request). */
const longEnough = new Set<string>();
const isLongEnough = (secret: string) => {
  if (longEnough.has(secret)) return true;
  if (new TextEncoder().encode(secret).length < 32) return false;
  if (longEnough.size >= 4) longEnough.clear();
  longEnough.add(secret);
  return true;
};

/** Production reads JWT_SECRET from `wrangler secret`; a short or missing one is a setup mistake. */
export function signingSecret(secret: string | undefined): string {
  if (!secret || !isLongEnough(secret)) {
    throw new HttpError(
      503,
      'token_signing_unavailable',
      'Token issuing is disabled: JWT_SECRET is unset or shorter than 32 bytes',
    );
  }
  return secret;
}

export async function issueToken(
  secret: string,
  claims: Omit<TokenClaims, 'iss' | 'iat' | 'exp'>,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<string> {
  const full: TokenClaims = { iss: 'rabatt', ...claims, iat: nowSeconds, exp: nowSeconds + TOKEN_LIFETIME_SECONDS };
  return sign({ ...full }, await hmacKey(secret), 'HS256');
}

/**
 * The secrets a token may be signed with: `JWT_SECRET`, and during a rotation the one before it
 * (`JWT_SECRET_PREVIOUS`, docs/deploy.md "Rotating secrets"), so tokens issued before the switch
 * keep working until they expire. New tokens are always signed with `JWT_SECRET`.
 */
export function verificationSecrets(env: { JWT_SECRET?: string; JWT_SECRET_PREVIOUS?: string }): string[] {
  const current = signingSecret(env.JWT_SECRET);
  const previous = env.JWT_SECRET_PREVIOUS;
  return previous && previous !== current && isLongEnough(previous) ? [current, previous] : [current];
}

/** Importing the HMAC key costs more than checking a signature; keep it per isolate and secret. */
const cachedKeys = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = cachedKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    // Two secrets at most are in use at once (current and previous); a third means a rotation.
    if (cachedKeys.size >= 2) cachedKeys.clear();
    cachedKeys.set(secret, key);
  }
  return key;
}

/**
 * What every token this server issues carries: an expiry (a token without one would never end),
 * this issuer, and an audience naming the same account as `aid` (`<base>/v1/accounts/<aid>`).
 */
function wellFormed(p: TokenClaims): boolean {
  if (typeof p.aid !== 'string' || typeof p.sub !== 'string' || !Array.isArray(p.scopes)) return false;
  if (typeof p.exp !== 'number' || typeof p.iat !== 'number' || p.iss !== 'rabatt') return false;
  if (typeof p.aud !== 'string') return false;
  try {
    return new URL(p.aud).pathname.replace(/\/+$/, '').endsWith(`/v1/accounts/${p.aid}`);
  } catch {
    return false;
  }
}

/**
 * Tokens this isolate has verified, by their exact text, for one set of secrets: a till sends the
 * same token with every request, and decoding it and checking its HMAC was a tenth of a retried
 * claim's time (bench/RESULTS.md, "Hot paths"). An entry answers only while the token has not
 * expired and the secrets are the ones it was verified with; revocation is checked after this, per
 * request, as before. Bounded: emptied when full.
 */
const VERIFIED_MAX = 1000;
const verified = new Map<string, TokenClaims>();
let verifiedWith = '';

/** The claims of a token signed with one of `secrets` (tried in order), else 401. */
export async function verifyToken(secrets: string | readonly string[], token: string): Promise<TokenClaims> {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  const secretsKey = list.join('\n');
  if (secretsKey !== verifiedWith) {
    verified.clear();
    verifiedWith = secretsKey;
  }
  const known = verified.get(token);
  if (known && known.exp > Math.floor(Date.now() / 1000)) return known;
  for (const secret of list) {
    try {
      const payload = (await verify(token, await hmacKey(secret), 'HS256')) as unknown as TokenClaims;
      if (!wellFormed(payload)) break;
      if (verified.size >= VERIFIED_MAX) verified.clear();
      verified.set(token, payload);
      return payload;
    } catch {
      // Another secret may have signed it.
    }
  }
  throw new HttpError(
    401,
    'invalid_token',
    'The access token is missing, malformed, expired or not signed by this server',
  );
}
