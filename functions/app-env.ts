import type { Context } from 'hono';
import type { Scope } from '../shared/auth/scopes';
import type { Env } from './env';
import { accountClient, type AccountClient } from './account-client';

export interface Caller {
  clientId: string;
  scopes: Scope[];
  anonymous?: boolean;
  /** The customer a `user:discounts` client is bound to (docs/security.md). */
  customerId?: string;
}

/** Hono's environment for every router: bindings plus what middleware learnt about the request. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    caller: Caller;
    /** Set by `operation({changesPublic: true})`: a successful write purges the public cache. */
    changesPublic?: boolean;
  };
}

export type AppContext = Context<AppEnv>;

/** The account named in the path; already checked against `^[PT]\d{8}$` by the app. */
export const accountOf = (c: Context<AppEnv>): string => c.req.param('aid') as string;

/** The account's Durable Object: the system of record for everything of that account. */
export const storeOf = (c: Context<AppEnv>): AccountClient => accountClient(c.env, accountOf(c));

/**
 * Work that may finish after the answer (edge cache writes). A failure is logged, never answered.
 * Without an execution context (a direct `app.fetch` in a script) it is awaited instead.
 */
export async function afterResponse(c: Context<AppEnv>, work: Promise<unknown>, what: string): Promise<void> {
  const guarded = work.catch((err) =>
    console.error(JSON.stringify({ level: 'warn', msg: `${what} failed`, error: String(err) })),
  );
  try {
    c.executionCtx.waitUntil(guarded);
  } catch {
    await guarded;
  }
}
