import { defineConfig } from 'vitest/config';

// Tests that need a real process around the Worker (wrangler dev) and Node libraries that do not
// run inside workerd (ajv compiles validators with `new Function`; Chromium is a separate program).
// Named `*.node.test.ts`; vitest.config.ts leaves them out.
export default defineConfig({
  test: {
    include: ['test/**/*.node.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
