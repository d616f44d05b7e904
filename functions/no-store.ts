import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './app-env';

/**
 * Answers that carry a secret (an access token, a new client's secret, a delivery signing secret)
 * or answer about credentials: never kept by a browser, proxy or CDN cache (docs/security.md).
 */
export const NO_STORE_PATHS = ['/v1/accounts/:aid/auth/*', '/v1/accounts/:aid/automations/signing_secret'] as const;

export const noStore = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
});
