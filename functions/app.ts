import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './app-env';
import { validationError, type ErrorBody } from '../shared/errors';
import { errorAnswer, HttpError, INTERNAL_ERROR } from './errors';
import { mountDocs } from './docs';
import { platformError } from './platform-errors';
import { purgeAfterWrites } from './public-cache';
import { requestIdFor, requestLog, routePattern } from './request-log';
import { API_CHAINS } from './api';
import { CONSOLE_PATH, consoleApp } from './console';
import { anonymousRateLimit, tokenRateLimit } from './rate-limit';
import { NO_STORE_PATHS, noStore } from './no-store';

export const MAX_BODY_BYTES = 1024 * 1024;
const ACCOUNT_ID = /^[PT]\d{8}$/;

const app = new Hono<AppEnv>();

app.use('*', requestLog);
app.use(
  '*',
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new HttpError(413, 'payload_too_large', `The body is larger than ${MAX_BODY_BYTES} bytes`);
    },
  }),
);

app.use('/v1/accounts/:aid/*', async (c, next) => {
  if (!ACCOUNT_ID.test(c.req.param('aid'))) {
    throw validationError([
      { field: 'aid', code: 'regex', message: 'Expected an account id like T12345678 (^[PT]\\d{8}$)' },
    ]);
  }
  await next();
});
// After a write, the account's public offers are forgotten here before the answer leaves.
app.use('/v1/accounts/:aid/*', purgeAfterWrites);

// Before anything that could reach an account object (docs/security.md, "Rate limits").
app.use('/v1/accounts/:aid/auth/token', tokenRateLimit);
app.use('/v1/accounts/:aid/discounts/public/*', anonymousRateLimit('ip'));
app.use('/v1/accounts/:aid/checkout/discount_codes', anonymousRateLimit('account'));
app.use('/v1/accounts/:aid/checkout/callback', anonymousRateLimit('account'));
for (const path of NO_STORE_PATHS) app.use(path, noStore);

app.get('/', (c) => c.json({ name: 'rabatt', docs: '/docs', openapi: '/openapi.json' }));
mountDocs(app);

// The API's routes, typed chains of their own (functions/api.ts: `AppType` and the others).
for (const chain of API_CHAINS) app.route('/', chain);

// The merchant console calls the routes above in process, with the signed-in client's token.
app.route(
  CONSOLE_PATH,
  consoleApp(async (request, c) => app.fetch(request, c.env, executionCtxOf(c))),
);

app.notFound((c) => {
  const allowed = allowedMethods(c.req.path);
  if (allowed.length) {
    c.header('Allow', allowed.join(', '));
    const error: ErrorBody = { code: 'method_not_allowed', message: `Use one of: ${allowed.join(', ')}` };
    return c.json({ error }, 405);
  }
  const error: ErrorBody = { code: 'not_found', message: 'No such route' };
  return c.json({ error }, 404);
});

app.onError((err, c) => {
  const known = errorAnswer(err);
  if (known) return c.json({ error: known.body }, known.status);
  const platform = platformError(err);
  if (platform) {
    c.header('Retry-After', String(platform.retryAfter));
    console.error(JSON.stringify({ level: 'warn', msg: platform.body.code, request_id: requestIdFor(c) }));
    return c.json({ error: platform.body }, platform.status);
  }
  console.error(
    JSON.stringify({
      level: 'error',
      msg: 'unhandled',
      request_id: requestIdFor(c),
      // The pattern, not the path: path segments may be customer ids or discount codes.
      route: routePattern(c),
      method: c.req.method,
      error: String(err),
      stack: (err as Error)?.stack,
    }),
  );
  return c.json({ error: INTERNAL_ERROR }, 500);
});

/** Methods registered for a path, to tell 405 from 404. Built once, on first miss. */
let patterns: { method: string; re: RegExp }[] | undefined;
function allowedMethods(path: string): string[] {
  patterns ??= app.routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => ({
      method: r.method,
      re: new RegExp(`^${r.path.replace(/\/\*$/, '(/.*)?').replace(/:[A-Za-z_]+(\{[^}]*\})?/g, '[^/]+')}/?$`),
    }));
  return [...new Set(patterns.filter((p) => p.re.test(path)).map((p) => p.method))];
}

/** The request's execution context, when it has one (a direct `app.fetch` in a script has none). */
function executionCtxOf(c: Pick<Context, 'executionCtx'>) {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

export type { AppType, AutomationsAppType, CustomerApiAppType, RefsAppType } from './api';
export default app;
