import type { AccountRpc, AccountStore } from '../shared/store/account';
import { throwingErrors } from '../shared/store/rpc-errors';

/**
 * The Worker's one typed client of an account object (docs/architecture.md). Every method is an
 * RPC method of the object's capabilities (shared/store/capabilities/) with the same parameters;
 * it resolves to the method's result or rejects with the DomainError the object answered as a
 * value (shared/store/rpc-errors.ts), so a failure can never pass as a success. Routes
 * (`storeOf`), the cron (functions/scheduled.ts) and the queue consumer (functions/deliveries.ts)
 * reach the object only through here; the console reaches it through the routes.
 */
export type AccountClient = {
  readonly [K in keyof AccountRpc]: (...args: Parameters<AccountRpc[K]>) => Promise<Awaited<ReturnType<AccountRpc[K]>>>;
};

/** The one binding the client needs. */
export interface AccountsBinding {
  ACCOUNTS: DurableObjectNamespace<AccountStore>;
}

/** The client of account `aid`'s object (one object per account id). */
export function accountClient(env: AccountsBinding, aid: string): AccountClient {
  return throwingErrors(env.ACCOUNTS.getByName(aid)) as unknown as AccountClient;
}
