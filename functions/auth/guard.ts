import { createMiddleware } from 'hono/factory';
import type { Scope } from '../../shared/auth/scopes';
import type { AppEnv } from '../app-env';
import { HttpError } from '../errors';
import type { Env } from '../env';
import { verificationSecrets, verifyToken } from './jwt';
import { isClientRevoked } from './revocation';

/**
 * Reads and verifies the bearer token; 401 when it is missing or invalid or its client is revoked
 * (./revocation.ts), 403 for another account.
 */
export async function authenticate(authorization: string | undefined, env: Env, aid: string) {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) throw new HttpError(401, 'unauthorized', 'Send an access token: Authorization: Bearer <token>');
  const claims = await verifyToken(verificationSecrets(env), match[1]!);
  if (claims.aid !== aid) throw new HttpError(403, 'forbidden', 'The access token is for another account');
  if (await isClientRevoked(env, aid, claims.sub)) throw revokedToken();
  return {
    clientId: claims.sub,
    scopes: claims.scopes,
    ...(typeof claims.customer_id === 'string' && { customerId: claims.customer_id }),
  };
}

export const revokedToken = () =>
  new HttpError(401, 'invalid_token', "The access token's API client has been revoked; ask for a new client");

export function hasAnyScope(held: readonly string[], allowed: readonly Scope[]): boolean {
  return allowed.some((s) => held.includes(s));
}

/** Requires a valid token for the path's account carrying at least one of `allowed`. */
export const guard = (allowed: readonly Scope[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const caller = await authenticate(c.req.header('authorization'), c.env, c.req.param('aid') as string);
    if (!hasAnyScope(caller.scopes, allowed)) {
      throw new HttpError(403, 'forbidden', `This operation needs one of the scopes: ${allowed.join(', ')}`);
    }
    c.set('caller', caller);
    await next();
  });
