// The same bindings for `env` / `exports` imported from 'cloudflare:workers' (tests use them).
// Declared here, not in functions/env.ts: this file only widens the `cloudflare:workers` env type.
// A declaration file of its own, so the main module does not name itself (an import cycle).
import type { Env as RabattEnv } from './env';

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import('./index');
      durableNamespaces: 'AccountStore' | 'AccountRegistry';
    }
    interface Env extends RabattEnv {}
  }
}
