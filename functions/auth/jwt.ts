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
  iat: number;
  exp: number;
}

/** Production reads JWT_SECRET from `wrangler secret`; a short or missing one is a setup mistake. */
export function signingSecret(secret: string | undefined): string {
  if (!secret || new TextEncoder().encode(secret).length < 32) {
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

/** Importing the HMAC key costs more than checking a signature; keep it per isolate and secret. */
let cachedKey: { secret: string; key: Promise<CryptoKey> } | undefined;
function hmacKey(secret: string): Promise<CryptoKey> {
  if (cachedKey?.secret !== secret) {
    const key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    cachedKey = { secret, key };
  }
  return cachedKey.key;
}

export async function verifyToken(secret: string, token: string): Promise<TokenClaims> {
  try {
    const payload = (await verify(token, await hmacKey(secret), 'HS256')) as unknown as TokenClaims;
    if (typeof payload.aid !== 'string' || typeof payload.sub !== 'string' || !Array.isArray(payload.scopes)) {
      throw new Error('incomplete claims');
    }
    return payload;
  } catch {
    throw new HttpError(
      401,
      'invalid_token',
      'The access token is missing, malformed, expired or not signed by this server',
    );
  }
}
