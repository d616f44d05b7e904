import type { AccountStore } from '../shared/store/account';
import type { DeliveryMessage } from '../shared/automations/delivery-message';
import type { AccountRegistry } from '../shared/maintenance/registry';

/** Bindings and secrets the Worker runs with (wrangler.toml, `wrangler secret`, `.dev.vars`). */
export interface Env {
  ACCOUNTS: DurableObjectNamespace<AccountStore>;
  CLAIM_REFS: KVNamespace;
  /** Accounts that have written anything (shared/account-directory.ts, docs/security.md). */
  ACCOUNT_DIRECTORY?: KVNamespace;
  /** The account registry the cron walks (one object, `registry`); see docs/maintenance.md. */
  REGISTRY: DurableObjectNamespace<AccountRegistry>;
  JWT_SECRET?: string;
  /** During a rotation: the secret before JWT_SECRET, still accepted for verification (docs/deploy.md). */
  JWT_SECRET_PREVIOUS?: string;
  BOOTSTRAP_CLIENT_ID?: string;
  BOOTSTRAP_CLIENT_SECRET?: string;
  /** Seals secrets merchants give us (checkout signature secret); see docs/checkout.md. */
  SECRETS_KEY?: string;
  /** During a rotation: the key before SECRETS_KEY, still used to open what it sealed (docs/deploy.md). */
  SECRETS_KEY_PREVIOUS?: string;
  /** Optional: purge public offers in every data centre after a write (docs/public-offers.md). */
  CACHE_PURGE_ZONE_ID?: string;
  /** An API token with Cache Purge permission for that zone (a secret). */
  CACHE_PURGE_API_TOKEN?: string;
  /** Automations' outbound calls (docs/automations.md); this Worker is also the consumer. */
  DELIVERIES: Queue<DeliveryMessage>;
  /**
   * `1` only in local development (`.dev.vars`): enables what production must never do, such as
   * unsigned checkout callbacks (docs/security.md) and http://localhost automation receivers
   * (docs/automations.md). Never set in production.
   */
  RABATT_DEV?: string;
  /** rabatt's own host names, comma-separated: never an automation's receiver (docs/automations.md). */
  RABATT_OWN_HOSTS?: string;
  /** Rate limits on unauthenticated calls (wrangler.toml `[[ratelimits]]`, docs/security.md). */
  TOKEN_LIMIT_PER_CLIENT?: RateLimit;
  TOKEN_LIMIT_PER_IP?: RateLimit;
  ANONYMOUS_LIMIT_PER_IP?: RateLimit;
  /** Missed discount codes per account and IP (docs/codes.md). */
  CODE_GUESS_LIMIT?: RateLimit;
}

/** Whether the Worker runs in local development (`RABATT_DEV=1` in `.dev.vars`; never in production). */
export const isDevelopment = (env: Pick<Env, 'RABATT_DEV'>): boolean => env.RABATT_DEV === '1';
