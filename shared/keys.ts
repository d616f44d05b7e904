/**
 * Every key rabatt writes outside a table's own columns, in one place, each with its purpose:
 * the Workers KV keys (their prefixes name what a key holds) and the keys of the account
 * object's `meta` table. Code builds or names a key only through here; docs/storage.md describes
 * the values. A new key is a new entry here first. Released migrations keep their literal key text
 * (a migration never changes); test/app/keys.test.ts checks those literals are these keys.
 *
 * Not here: the Cache API entries of public offers (URLs, functions/public-cache.ts), which are
 * HTTP caching, not storage.
 */

/** Workers KV keys, by binding. */
export const KV_KEYS = {
  /**
   * `CLAIM_REFS` (functions/claim-refs.ts): the edge copy of a committed claim, answered only to
   * a retry with the same body hash. `claim-ref:v1:{aid}:{sha256 hex of the ref}`: fixed length
   * whatever the ref, and no ref text in key listings. `v1` changes if the value's shape does.
   */
  claimRef: (aid: string, refSha256: string) => `claim-ref:v1:${aid}:${refSha256}`,
  /**
   * `ACCOUNT_DIRECTORY` (shared/account-directory.ts): `account:{aid}` exists once the account has
   * written anything, so requests without credentials may reach its object. Never deleted.
   */
  account: (aid: string) => `account:${aid}`,
} as const;

/** Keys of the account object's `meta (key, value)` table: small account-wide values. */
export const META_KEYS = {
  /**
   * An integer bumped in the same transaction as every write that could change what the public
   * offers list shows (rules, refs, campaigns, settings); public cache keys contain it (meta/001).
   */
  contentVersion: 'content_version',
  /**
   * 16 random hex digits written once (settings/001): names this incarnation of the account's
   * storage in public cache keys, so a store wiped and rebuilt never meets its old cache entries.
   */
  cacheEpoch: 'cache_epoch',
  /** `{values, updated_at, updated_by}`: the merchant's settings, defaults not stored (shared/store/settings.ts). */
  settings: 'settings',
  /** `{sealed, updated_at, updated_by}`: the sealed Dintero-Signature secret (shared/store/checkout.ts). */
  checkoutSignature: 'checkout_signature',
  /** `{sealed, created_at, created_by}`: the sealed delivery signing secret (shared/store/automations.ts). */
  deliverySigningSecret: 'delivery_signing_secret',
  /**
   * When the account registered itself with the cron's registry (shared/maintenance/registry.ts),
   * written only after the registry confirmed; absent = try again after the next write.
   */
  registered: 'registered',
  /**
   * When the account directory (KV `account:{aid}`) confirmed it lists this account, so requests
   * without credentials may reach the object; absent = publish again after the next write (or the
   * next cleanup, which lists accounts registered before the directory existed).
   */
  directoryListed: 'directory_listed',
  /** The last cleanup run that had work (JSON, the `last_run` of `GET /maintenance`). */
  maintenance: 'maintenance',
  /** `{rules, refs, customers}`, each `{at, seq}` of the last deleted row the purge examined. */
  maintenanceCursors: 'maintenance_cursors',
} as const;

/** Keys of the registry object's `registry_meta (key, value)` table (shared/maintenance/registry.ts). */
export const REGISTRY_META_KEYS = {
  /** The last aid of the page the previous cron run visited; absent = start from the first. */
  cursor: 'cursor',
} as const;
