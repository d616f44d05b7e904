import type { Context, Next } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from './app-env';

/**
 * One JSON line per request (docs/deploy.md, "Logs") and an `x-request-id` on every answer.
 *
 * The line holds only what cannot identify a person or open a door: the request id, the method,
 * the route *pattern* (`/v1/accounts/:aid/customers/users/:customer_id`, never the path, whose
 * segments may be customer ids or discount codes), the status, the duration and the merchant's
 * account id. No headers, no query, no body: tokens, codes and personal data never reach it.
 *
 * Duration is wall time as the Worker sees it: the runtime advances clocks only across I/O, so
 * pure CPU work inside one request reads as 0 ms (Cloudflare's Spectre mitigation).
 */
export const REQUEST_ID = 'x-request-id';

/** An incoming id is honoured when it is short and plain (a proxy's or a till's trace id). */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const ACCOUNT = /^\/v1\/accounts\/([PT]\d{8})(?:\/|$)/;

export interface RequestLine {
  level: 'info';
  msg: 'request';
  request_id: string;
  method: string;
  route: string | null;
  status: number;
  duration_ms: number;
  account: string | null;
}

export function requestIdOf(incoming: string | undefined): string {
  return incoming && SANE_ID.test(incoming) ? incoming : crypto.randomUUID();
}

/** The pattern of the handler that answered; null when no route matched (404/405). */
export function routePattern(c: Context<AppEnv>): string | null {
  const handlers = matchedRoutes(c).filter((r) => r.method !== 'ALL');
  return handlers.at(-1)?.path ?? null;
}

/** Ids by request, for other log lines of the same request (the error handler's). */
const ids = new WeakMap<Request, string>();
export const requestIdFor = (c: Context<AppEnv>): string | undefined => ids.get(c.req.raw);

export async function requestLog(c: Context<AppEnv>, next: Next): Promise<void> {
  const started = Date.now();
  const id = requestIdOf(c.req.header(REQUEST_ID));
  ids.set(c.req.raw, id);
  await next();
  try {
    c.res.headers.set(REQUEST_ID, id);
  } catch {
    // A response with immutable headers (one fetched or taken from a cache as is): copy it once.
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set(REQUEST_ID, id);
  }
  const line: RequestLine = {
    level: 'info',
    msg: 'request',
    request_id: id,
    method: c.req.method,
    route: routePattern(c),
    status: c.res.status,
    duration_ms: Date.now() - started,
    account: ACCOUNT.exec(c.req.path)?.[1] ?? null,
  };
  console.log(JSON.stringify(line));
}
