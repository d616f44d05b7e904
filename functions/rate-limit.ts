import type { Context, Next } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { ErrorBody } from '../shared/errors';
import type { AppEnv } from './app-env';
import { authenticate } from './auth/guard';

/**
 * Rate limits on what anyone can call without a token (docs/security.md): `/auth/token`, the
 * public offers without a token, and Dintero's checkout callbacks. Counted by Cloudflare's rate
 * limiting binding (wrangler.toml `[[ratelimits]]`, where the limits live): per location, no
 * storage, no round trip to the account object, which is what a flood must not reach.
 *
 * Trade-offs: the counters are per Cloudflare location and approximate, which is enough to make
 * guessing secrets and flooding expensive, not a quota. A request without `CF-Connecting-IP`
 * cannot have come through Cloudflare's edge (only a test or a script calling the Worker
 * directly), so it skips the per-IP limits. A limited request is answered before anything else
 * runs, so its 429 carries no CORS headers (the origin check needs the account's settings).
 */
interface Limit {
  binding: (env: AppEnv['Bindings']) => RateLimit | undefined;
  /** The binding's period in wrangler.toml: a limited caller may try again after at most this. */
  periodSeconds: number;
}

const TOKEN_PER_CLIENT: Limit = { binding: (env) => env.TOKEN_LIMIT_PER_CLIENT, periodSeconds: 60 };
const TOKEN_PER_IP: Limit = { binding: (env) => env.TOKEN_LIMIT_PER_IP, periodSeconds: 60 };
const ANONYMOUS_PER_IP: Limit = { binding: (env) => env.ANONYMOUS_LIMIT_PER_IP, periodSeconds: 10 };
const CODE_MISSES_PER_IP: Limit = { binding: (env) => env.CODE_GUESS_LIMIT, periodSeconds: 60 };

/** Counts one request under each `[limit, key]`; the first refusal is answered. Keys are bounded. */
async function limited(c: Context<AppEnv>, checks: [Limit, string][]): Promise<Response | undefined> {
  for (const [limit, key] of checks) {
    const binding = limit.binding(c.env);
    if (!binding) continue;
    const { success } = await binding.limit({ key: key.slice(0, 300) });
    if (!success) return tooMany(c, limit);
  }
  return undefined;
}

function tooMany(c: Context<AppEnv>, limit: Limit): Response {
  const error: ErrorBody = {
    code: 'rate_limited',
    message: `Too many requests; try again in ${limit.periodSeconds} seconds`,
  };
  return c.json({ error }, 429, { 'Retry-After': String(limit.periodSeconds) });
}

const clientIp = (c: Context<AppEnv>) => c.req.header('cf-connecting-ip');

/** The client id of `Authorization: Basic base64(id:secret)`, when there is one to read. */
function basicClientId(header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  try {
    const decoded = atob(match[1]!);
    const colon = decoded.indexOf(':');
    return colon > 0 ? decoded.slice(0, colon) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `/auth/token`: per account and client id, and per IP, before the secret is looked at. Per account
 * too, so one client id serving many accounts (a partner, a test suite) is not throttled across them.
 */
export const tokenRateLimit = createMiddleware<AppEnv>(async (c: Context<AppEnv>, next: Next) => {
  const checks: [Limit, string][] = [];
  const clientId = basicClientId(c.req.header('authorization'));
  if (clientId !== undefined) checks.push([TOKEN_PER_CLIENT, `client:${c.req.param('aid')}:${clientId}`]);
  const ip = clientIp(c);
  if (ip) checks.push([TOKEN_PER_IP, `ip:${ip}`]);
  return (await limited(c, checks)) ?? next();
});

/** Whether the request carries a token that authenticates for the path's account (not merely a header). */
async function authenticated(c: Context<AppEnv>): Promise<boolean> {
  const authorization = c.req.header('authorization');
  if (authorization === undefined) return false;
  try {
    await authenticate(authorization, c.env, c.req.param('aid') as string);
    return true;
  } catch {
    return false;
  }
}

/**
 * Requests without a token: the public offers (per IP) and Dintero's checkout callbacks (per IP
 * and account, because Dintero calls every merchant from the same few addresses). A public-list
 * request whose token authenticates for the account is checked by its token instead and not
 * counted here; any other `Authorization` header (junk, another account's token, a revoked
 * client's) counts like none. Callbacks never use tokens, so every callback is counted.
 */
export const anonymousRateLimit = (scope: 'ip' | 'account') =>
  createMiddleware<AppEnv>(async (c: Context<AppEnv>, next: Next) => {
    const ip = clientIp(c);
    if (!ip) return next();
    if (scope === 'ip' && (await authenticated(c))) return next();
    const key = scope === 'ip' ? `ip:${ip}` : `ip:${ip}:${c.req.param('aid')}`;
    return (await limited(c, [[ANONYMOUS_PER_IP, key]])) ?? next();
  });

/**
 * Code guessing (docs/codes.md): per account and IP, each code a receipt names that matched nothing
 * counts once (`CODE_GUESS_LIMIT`). Once refused, this isolate answers 429 to every request of that
 * key that names codes until the period ends, hits included: otherwise a guesser would tell a hit
 * (200) from a miss (429) at full speed.
 */
const codeBlocks = new Map<string, number>();
const MAX_CODE_BLOCKS = 5000;

const codeKey = (c: Context<AppEnv>) => {
  const ip = clientIp(c);
  return ip ? `codes:${c.req.param('aid')}:${ip}` : undefined;
};

/** A 429 when this account and IP is blocked for guessing codes. */
export function codeGuessBlocked(c: Context<AppEnv>, nowMs = Date.now()): Response | undefined {
  const key = codeKey(c);
  const until = key === undefined ? undefined : codeBlocks.get(key);
  if (until === undefined) return undefined;
  if (until > nowMs) return tooMany(c, CODE_MISSES_PER_IP);
  codeBlocks.delete(key!);
  return undefined;
}

/** Counts `misses` missed codes; a 429 (and a block for the period) once the limit refuses one. */
export async function countCodeMisses(c: Context<AppEnv>, misses: number): Promise<Response | undefined> {
  const key = codeKey(c);
  const binding = CODE_MISSES_PER_IP.binding(c.env);
  if (key === undefined || !binding) return undefined;
  for (let i = 0; i < misses; i++) {
    const { success } = await binding.limit({ key: key.slice(0, 300) });
    if (!success) {
      if (codeBlocks.size >= MAX_CODE_BLOCKS) codeBlocks.delete(codeBlocks.keys().next().value!);
      codeBlocks.set(key, Date.now() + CODE_MISSES_PER_IP.periodSeconds * 1000);
      return tooMany(c, CODE_MISSES_PER_IP);
    }
  }
  return undefined;
}
