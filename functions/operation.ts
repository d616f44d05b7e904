import type { Context, Env, MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env';
import { guard } from './auth/guard';
import type { Scope } from '../shared/auth/scopes';
import { doc, type RouteDoc } from './openapi';

/**
 * One declaration per operation: the OpenAPI description and the runtime scope check come from the
 * same `scopes`, so the document cannot promise what the Worker does not enforce (or the reverse).
 * Place it first, before any validator:
 *
 *   .get('/:did', operation({ tags, summary: 'Read a rule', scopes: scopes.read('discounts'), responses }),
 *     didParam, async (c) => ...)
 *
 * - A list of scopes: a bearer token for the path's account holding any one of them (`guard`), or,
 *   when `access` is given, that check instead (built from the same list; public offers use it to
 *   also let anonymous callers in when the account allows it).
 * - `'public'` (signed Dintero callbacks) and `'client'` (the token endpoint's Basic credentials):
 *   documented only; those handlers authenticate the caller themselves.
 *
 * The result is one middleware carrying the document (hono-openapi finds it by its symbol), so
 * route types are exactly those of a plain middleware. test/app/route-auth.test.ts checks, for
 * every documented operation, that a token lacking the listed scopes is refused and each listed
 * scope alone is let through.
 */
export interface OperationDoc<E extends Env> extends RouteDoc {
  access?: (allowed: readonly Scope[]) => MiddlewareHandler<E>;
  /**
   * The operation can change what the public list answers (rules, refs, campaigns, settings): once
   * it succeeds, `purgeAfterWrites` forgets and purges the account's public cache. Every other
   * write leaves it warm (functions/public-purge.ts, docs/public-offers.md).
   */
  changesPublic?: boolean;
}

export function operation<E extends Env = AppEnv>({
  access,
  changesPublic,
  ...route
}: OperationDoc<E>): MiddlewareHandler<E> {
  const documented = doc(route) as MiddlewareHandler<E>;
  const base = Array.isArray(route.scopes) ? ((access ?? guard)(route.scopes) as MiddlewareHandler<E>) : undefined;
  if (!changesPublic) return base ? Object.assign(base, documented) : documented;
  const declared: MiddlewareHandler<E> = async (c, next) => {
    (c as unknown as Context<AppEnv>).set('changesPublic', true);
    return base ? base(c, next) : next();
  };
  // Fresh functions: `doc`'s only own property is the symbol hono-openapi reads.
  return Object.assign(declared, documented);
}
