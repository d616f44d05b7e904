import { DurableObject } from 'cloudflare:workers';
import { publishAccount, type DirectoryBindings } from '../account-directory';
import { META_KEYS, REGISTRY_META_KEYS } from '../keys';
import { all, one } from '../store/sql';

/** What an account object needs to register itself: the registry and the account directory. */
export interface RegistryBindings extends DirectoryBindings {
  /** Absent when a script runs the app alone: nothing to register with. */
  REGISTRY?: DurableObjectNamespace<AccountRegistry>;
}

/** The one registry object's name (`env.REGISTRY.getByName(REGISTRY_NAME)`). */
export const REGISTRY_NAME = 'registry';

/**
 * Every account that has an account object, so the cron can find them (Durable Objects cannot be
 * listed). An account object registers itself once, on its first construction, and retries on the
 * next construction until the registry confirmed (docs/maintenance.md). The registry also keeps
 * the cron's position, so a run visits one page of accounts and the next run the next page.
 */
export class AccountRegistry extends DurableObject<DirectoryBindings> {
  constructor(ctx: DurableObjectState, env: DirectoryBindings) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec(
      'CREATE TABLE IF NOT EXISTS accounts (aid TEXT PRIMARY KEY, registered_at INTEGER NOT NULL) WITHOUT ROWID',
    );
    sql.exec('CREATE TABLE IF NOT EXISTS registry_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  }

  /** Idempotent: registering again changes nothing. */
  register(aid: string): void {
    this.ctx.storage.sql.exec('INSERT OR IGNORE INTO accounts (aid, registered_at) VALUES (?, ?)', aid, Date.now());
  }

  /**
   * The next `limit` accounts after the stored position (from the start when there is none).
   * `next` is where the following page starts: null once this page reached the end, so the
   * run after it begins again from the first account.
   */
  page(limit: number): { aids: string[]; next: string | null } {
    const sql = this.ctx.storage.sql;
    const after =
      one<{ value: string }>(sql, 'SELECT value FROM registry_meta WHERE key = ?', REGISTRY_META_KEYS.cursor)?.value ??
      '';
    const aids = all<{ aid: string }>(
      sql,
      'SELECT aid FROM accounts WHERE aid > ? ORDER BY aid LIMIT ?',
      after,
      limit,
    ).map((r) => r.aid);
    return { aids, next: aids.length === limit ? aids[aids.length - 1]! : null };
  }

  /** Moves the position once a page was visited (a run that died before keeps the page for the next). */
  advance(next: string | null): void {
    const sql = this.ctx.storage.sql;
    if (next === null) sql.exec('DELETE FROM registry_meta WHERE key = ?', REGISTRY_META_KEYS.cursor);
    else
      sql.exec(
        'INSERT INTO registry_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        REGISTRY_META_KEYS.cursor,
        next,
      );
  }

  count(): number {
    return one<{ n: number }>(this.ctx.storage.sql, 'SELECT COUNT(*) AS n FROM accounts')!.n;
  }
}

/** The `meta` marks of a confirmed registration and directory listing (shared/keys.ts). */
const REGISTERED_KEY = META_KEYS.registered;
const LISTED_KEY = META_KEYS.directoryListed;

/**
 * Called after the account object's writes (and by its cleanup, which lists accounts registered
 * before the directory existed): tells the registry and the account directory this account
 * exists, once each. The object's own `meta` marks are written only after each confirmed, so a
 * failed call is retried after a later write; the object keeps serving meanwhile (the failure is
 * logged). Objects not created by name (no `ctx.id.name`) cannot be registered and are skipped.
 * Resolves to whether the account is registered and listed.
 */
export function registerAccount(ctx: DurableObjectState, env: RegistryBindings): Promise<boolean> {
  const aid = ctx.id.name;
  const sql = ctx.storage.sql;
  if (!aid || !env.REGISTRY) return Promise.resolve(true);
  const marked = (key: string) => one(sql, 'SELECT 1 AS x FROM meta WHERE key = ?', key) !== undefined;
  const mark = (key: string) =>
    sql.exec('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', key, new Date().toISOString());
  const registered = marked(REGISTERED_KEY);
  const listed = marked(LISTED_KEY);
  if (registered && listed) return Promise.resolve(true);
  const done = Promise.all([
    registered ||
      env.REGISTRY.getByName(REGISTRY_NAME)
        .register(aid)
        .then(() => mark(REGISTERED_KEY)),
    listed || publishAccount(env, aid).then(() => mark(LISTED_KEY)),
  ])
    .then(() => true)
    .catch((err: unknown) => {
      console.error(JSON.stringify({ level: 'error', msg: 'account registration failed', aid, error: String(err) }));
      return false;
    });
  ctx.waitUntil(done);
  return done;
}
