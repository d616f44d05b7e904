import type { AccountStore } from './store/account';
import type { AccountRegistry } from './maintenance/registry';

/** Bindings and secrets the Worker runs with (wrangler.toml, `wrangler secret`, `.dev.vars`). */
export interface Env {
  ACCOUNTS: DurableObjectNamespace<AccountStore>;
  CLAIM_REFS: KVNamespace;
  /** Accounts that have written anything (shared/account-directory.ts, docs/security.md). */
  ACCOUNT_DIRECTORY?: KVNamespace;
  /** The account registry the cron walks (one object, `registry`); see docs/maintenance.md. */
  REGISTRY: DurableObjectNamespace<AccountRegistry>;
  JWT_SECRET?: string;
  BOOTSTRAP_CLIENT_ID?: string;
  BOOTSTRAP_CLIENT_SECRET?: string;
  /** Seals secrets merchants give us (checkout signature secret); see docs/checkout.md. */
  SECRETS_KEY?: string;
  /**
   * `1` only in local development (`.dev.vars`): enables what production must never do, such as
   * unsigned checkout callbacks (docs/security.md). Never set in production.
   */
  RABATT_DEV?: string;
  /** Rate limits on unauthenticated calls (wrangler.toml `[[ratelimits]]`, docs/security.md). */
  TOKEN_LIMIT_PER_CLIENT?: RateLimit;
  TOKEN_LIMIT_PER_IP?: RateLimit;
  ANONYMOUS_LIMIT_PER_IP?: RateLimit;
}

/** Whether the Worker runs in local development (`RABATT_DEV=1` in `.dev.vars`; never in production). */
export const isDevelopment = (env: Env): boolean => env.RABATT_DEV === '1';
