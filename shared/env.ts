import type { AccountStore } from './store/account';

/** Bindings and secrets the Worker runs with (wrangler.toml, `wrangler secret`, `.dev.vars`). */
export interface Env {
  ACCOUNTS: DurableObjectNamespace<AccountStore>;
  CLAIM_REFS: KVNamespace;
  JWT_SECRET?: string;
  BOOTSTRAP_CLIENT_ID?: string;
  BOOTSTRAP_CLIENT_SECRET?: string;
  /** Seals secrets merchants give us (checkout signature secret); see docs/checkout.md. */
  SECRETS_KEY?: string;
}

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import('../functions/index');
      durableNamespaces: 'AccountStore';
    }
    interface Env {
      ACCOUNTS: DurableObjectNamespace<AccountStore>;
      CLAIM_REFS: KVNamespace;
      JWT_SECRET?: string;
      BOOTSTRAP_CLIENT_ID?: string;
      BOOTSTRAP_CLIENT_SECRET?: string;
      SECRETS_KEY?: string;
    }
  }
}
