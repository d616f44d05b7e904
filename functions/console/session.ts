import type { Context } from 'hono';

/** Any context of this Worker: the console's and the API's alike. */
export type BindingsOnly = { Bindings: Env };

import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Env } from '../env';
import { verificationSecrets, verifyToken, type TokenClaims } from '../auth/jwt';
import { isClientRevoked } from '../auth/revocation';

/**
 * The console's session is the API client's own access token, kept in an HttpOnly, SameSite=Strict
 * cookie scoped to /console. The console accepts it for SESSION_SECONDS after it was issued, well
 * inside the token's own 24 h: a shorter session costs a sign-in per hour, a longer one would keep a
 * merchant's browser holding a token it no longer needs. Sign-out deletes the cookie; like every
 * token (docs/storage.md, API clients) the token itself stays valid until it expires, but no page
 * of the console accepts it once it is older than SESSION_SECONDS.
 */
export const SESSION_COOKIE = 'rabatt_console';
export const SESSION_SECONDS = 60 * 60;

export interface Session {
  token: string;
  claims: TokenClaims;
}

export async function readSession<E extends BindingsOnly>(c: Context<E>, nowSeconds = Math.floor(Date.now() / 1000)) {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  let claims: TokenClaims;
  try {
    claims = await verifyToken(verificationSecrets(c.env), token);
  } catch {
    return null;
  }
  if (!(claims.iat <= nowSeconds && nowSeconds < claims.iat + SESSION_SECONDS)) return null;
  // A revoked client's sessions end (functions/auth/revocation.ts).
  if (await isClientRevoked(c.env, claims.aid, claims.sub)) return null;
  return { token, claims } satisfies Session;
}

export function startSession<E extends BindingsOnly>(c: Context<E>, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/console',
    maxAge: SESSION_SECONDS,
    // Plain http only on a developer's machine (wrangler dev); everywhere else the cookie is Secure.
    secure: new URL(c.req.url).protocol === 'https:',
  });
}

export function endSession<E extends BindingsOnly>(c: Context<E>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/console' });
}
