import type { AccountStore } from './store/account';
import type { AccountRegistry } from './maintenance/registry';

/** Bindings and secrets the Worker runs with (wrangler.toml, `wrangler secret`, `.dev.vars`). */
export interface Env {
  ACCOUNTS: DurableObjectNamespace<AccountStore>;
  CLAIM_REFS: KVNamespace;
  /** The account registry the cron walks (one object, `registry`); see docs/maintenance.md. */
  REGISTRY: DurableObjectNamespace<AccountRegistry>;
  JWT_SECRET?: string;
  BOOTSTRAP_CLIENT_ID?: string;
  BOOTSTRAP_CLIENT_SECRET?: string;
  /** Seals secrets merchants give us (checkout signature secret); see docs/checkout.md. */
  SECRETS_KEY?: string;
}
