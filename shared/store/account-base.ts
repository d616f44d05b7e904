import { DurableObject } from 'cloudflare:workers';
import type { DeliveryMessage } from '../automations/delivery-message';
import { registerAccount, type RegistryBindings } from '../maintenance/registry';
import { applyMigrations, type Migration } from './migrations';
import { serveOverRpc } from './rpc-errors';
import type { Sql } from './sql';

/**
 * The bindings the account object uses, and no more: the Worker's `Env` (functions/env.ts) names the
 * object's class, so the object naming `Env` back would be a cycle.
 */
export interface AccountBindings extends RegistryBindings {
  SECRETS_KEY?: string;
  SECRETS_KEY_PREVIOUS?: string;
  DELIVERIES: Queue<DeliveryMessage>;
}

/** What every capability may ask of the object it runs in (each takes the slice it needs). */
export interface Host {
  /**
   * Runs `fn` as one write transaction: it commits whole or not at all, and a DomainError it
   * throws rolls it back. The first write registers the account for the cron.
   */
  tx<T>(fn: () => T): T;
  /**
   * For writes that let callers without a token in (an API client, a checkout secret, public
   * offers settings): answers once the account directory lists the account, so the Worker's gate
   * (shared/account-directory.ts) lets the next such request through.
   */
  listed<T>(result: T): Promise<T>;
  /** Registers the account with the cron's registry and the directory (idempotent). */
  register(): Promise<boolean>;
  /** Empties the per-call caches (after an await, storage may have changed). */
  fresh(): void;
  readonly env: AccountBindings;
  readonly ctx: DurableObjectState;
}

/**
 * The plumbing of the account object, and nothing of any area: migrations on construction, the
 * transaction wrapper, registration, per-call caches. The RPC surface is the capabilities'
 * (shared/store/capabilities/); `serveOverRpc` wraps each public method once so it starts with
 * fresh caches and answers DomainErrors as values.
 */
export abstract class AccountBase extends DurableObject<AccountBindings> {
  protected readonly sql: Sql;
  protected readonly host: Host;
  /** Per-call caches (rule bodies, rules.ts), emptied by `host.fresh()`. */
  private readonly caches: { fresh(): void }[] = [];
  private registration: Promise<boolean> | undefined;

  constructor(ctx: DurableObjectState, env: AccountBindings, migrations: Migration[]) {
    super(ctx, env);
    applyMigrations(ctx.storage, migrations);
    this.sql = ctx.storage.sql;
    // Closures, not prototype methods: everything on the prototype is callable over RPC.
    const fresh = () => {
      for (const cache of this.caches) cache.fresh();
    };
    const register = () => registerAccount(this.ctx, this.env);
    this.host = {
      // Reads alone (an anonymous storefront request for any well-formed id, a refused callback)
      // never make an account the cron has to visit; the first write does.
      tx: (fn) => {
        // A transaction decides from what storage holds, and an async call may have waited since it started.
        fresh();
        const result = this.ctx.storage.transactionSync(fn);
        // One attempt at a time; a failed one is forgotten so the next write tries again.
        this.registration ??= register().then((ok) => {
          if (!ok) this.registration = undefined;
          return ok;
        });
        return result;
      },
      listed: async (result) => {
        await (this.registration ?? register());
        return result;
      },
      register,
      fresh,
      env,
      ctx,
    };
  }

  /** Caches to empty at the start of every RPC call and every transaction. */
  protected emptiedEachCall(...caches: { fresh(): void }[]): void {
    this.caches.push(...caches);
  }
}

type Method = (...args: unknown[]) => unknown;

/** Public methods of a capability: its part of the object's RPC surface. */
export type RpcOf<C> = { [K in keyof C as C[K] extends (...args: never[]) => unknown ? K : never]: C[K] };

/**
 * Puts each capability's public methods on the object's prototype, as methods that call the
 * capability instance the object holds under the same key, then wraps them for RPC. A name two
 * capabilities both define is a mistake caught when the module loads.
 */
export function mountCapabilities<T extends object>(
  cls: { prototype: T },
  capabilities: Record<string, { prototype: object }>,
  fresh: (self: T) => void,
): void {
  const proto = cls.prototype as Record<string, unknown>;
  const owner = new Map<string, string>();
  for (const [key, capability] of Object.entries(capabilities)) {
    for (const name of Object.getOwnPropertyNames(capability.prototype)) {
      if (name === 'constructor') continue;
      if (owner.has(name)) throw new Error(`RPC method ${name} is defined by ${owner.get(name)} and ${key}`);
      owner.set(name, key);
      proto[name] = function (this: { capabilities: Record<string, Record<string, Method>> }, ...args: unknown[]) {
        return this.capabilities[key]![name]!(...args);
      };
    }
  }
  serveOverRpc(cls, fresh as (self: object) => void);
}
