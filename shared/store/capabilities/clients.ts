import type { ClientCreate } from '../../schemas/auth';
import type { Host } from '../account-base';
import type { ClientStore } from '../clients';

export interface ClientsHost extends Pick<Host, 'tx' | 'listed'> {
  clients: ClientStore;
}

/** API clients of the account (docs/security.md): their secrets are hashed by the Worker. */
export class ClientsRpc {
  constructor(private readonly h: ClientsHost) {}

  /** A client lets callers without a token ask for one: answered once the account is listed. */
  createClient(input: ClientCreate, clientId: string, salt: string, secretHash: string, actor: string) {
    return this.h.listed(this.h.tx(() => this.h.clients.create(input, clientId, salt, secretHash, actor)));
  }
  listClients() {
    return this.h.clients.list();
  }
  clientCredentials(clientId: string) {
    return this.h.clients.credentials(clientId);
  }
  /** Read by the Worker for every token (functions/auth/revocation.ts), at most once per bound and isolate. */
  clientRevoked(clientId: string) {
    return this.h.clients.revoked(clientId);
  }
  revokeClient(clientId: string, actor: string) {
    return this.h.tx(() => this.h.clients.revoke(clientId, actor));
  }
}
