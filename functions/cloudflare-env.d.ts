// The same bindings for `env` / `exports` imported from 'cloudflare:workers' (tests use them).
// Declared here, not in shared/env.ts: the main module is the Worker's, and shared/ never names functions/.
// A declaration file of its own, so the main module does not name itself (an import cycle).
import type { Env as RabattEnv } from '../shared/env';

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import('./index');
      durableNamespaces: 'AccountStore' | 'AccountRegistry';
    }
    interface Env extends RabattEnv {}
  }
}
