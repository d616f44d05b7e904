import type { AccountStore } from './store/account';

/** Bindings and secrets the Worker runs with (wrangler.toml, `wrangler secret`, `.dev.vars`). */
export interface Env {
  ACCOUNTS: DurableObjectNamespace<AccountStore>;
  CLAIM_REFS: KVNamespace;
  JWT_SECRET?: string;
  BOOTSTRAP_CLIENT_ID?: string;
  BOOTSTRAP_CLIENT_SECRET?: string;
}

declare global {
  namespace Cloudflare {
    interface Env {
      ACCOUNTS: DurableObjectNamespace<AccountStore>;
      CLAIM_REFS: KVNamespace;
      JWT_SECRET?: string;
      BOOTSTRAP_CLIENT_ID?: string;
      BOOTSTRAP_CLIENT_SECRET?: string;
    }
  }
}
