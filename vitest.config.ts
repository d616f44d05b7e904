import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { configDefaults, defineConfig } from 'vitest/config';

// Test-only secrets: the Worker under test reads them like production reads `wrangler secret`.
export const testBindings = {
  JWT_SECRET: 'test-jwt-secret-that-is-at-least-32-bytes-long',
  BOOTSTRAP_CLIENT_ID: 'test-bootstrap-client',
  BOOTSTRAP_CLIENT_SECRET: 'test-bootstrap-secret',
  SECRETS_KEY: 'test-secrets-key-for-sealing-merchant-secrets',
  // Production behaviour even when a developer's .dev.vars (read through wrangler.toml) sets the dev flag.
  RABATT_DEV: '0',
};

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: { bindings: testBindings },
    }),
  ],
  test: {
    include: ['test/**/*.test.ts'],
    // Node-side tests (wrangler dev, Chromium, ajv) run with vitest.e2e.config.ts.
    exclude: [...configDefaults.exclude, 'test/**/*.node.test.ts'],
    // Some tests set up hundreds of objects through HTTP; on a loaded 2-core CI box that can take
    // longer than vitest's 5 s default. Speed is measured in benchmarks, never by timeouts.
    testTimeout: 30_000,
    // The request log (one JSON line per request, functions/request-log.ts) would bury test output;
    // test/app/request-log.test.ts checks it with a spy.
    onConsoleLog: (log) => !log.includes('"msg":"request"'),
  },
});
