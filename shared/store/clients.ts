import { notFound } from '../errors';
import type { ApiClient, ClientCreate } from '../schemas/auth';
import type { Scope } from '../auth/scopes';
import type { Migration } from './migrations';
import { all, one, type Sql } from './sql';

export const clientMigrations: Migration[] = [
  {
    id: 'clients/001',
    statements: [
      `CREATE TABLE api_clients (
        client_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        salt TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        deleted_at TEXT,
        deleted_by TEXT
      )`,
    ],
  },
  {
    // The customer a `user:discounts` client is bound to (docs/security.md).
    id: 'clients/002',
    statements: ['ALTER TABLE api_clients ADD COLUMN customer_id TEXT'],
  },
];

interface ClientRow {
  client_id: string;
  name: string;
  scopes: string;
  salt: string;
  secret_hash: string;
  created_at: string;
  created_by: string;
  deleted_at: string | null;
  deleted_by: string | null;
  customer_id: string | null;
}

function toClient(r: ClientRow): ApiClient {
  const c: ApiClient = {
    client_id: r.client_id,
    name: r.name,
    scopes: JSON.parse(r.scopes),
    ...(r.customer_id !== null && { customer_id: r.customer_id }),
    created_at: r.created_at,
    created_by: r.created_by,
  };
  if (r.deleted_at) Object.assign(c, { deleted_at: r.deleted_at, deleted_by: r.deleted_by });
  return c;
}

export class ClientStore {
  constructor(private readonly sql: Sql) {}

  /** The hash is computed by the Worker; the object only keeps it. */
  create(input: ClientCreate, clientId: string, salt: string, secretHash: string, actor: string): ApiClient {
    this.sql.exec(
      'INSERT INTO api_clients (client_id, name, scopes, salt, secret_hash, created_at, created_by, customer_id) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      clientId,
      input.name,
      JSON.stringify(input.scopes),
      salt,
      secretHash,
      new Date().toISOString(),
      actor,
      input.customer_id ?? null,
    );
    return this.get(clientId);
  }

  get(clientId: string): ApiClient {
    const row = one<ClientRow>(this.sql, 'SELECT * FROM api_clients WHERE client_id = ?', clientId);
    if (!row) throw notFound('API client');
    return toClient(row);
  }

  list(): ApiClient[] {
    return all<ClientRow>(this.sql, 'SELECT * FROM api_clients ORDER BY created_at, client_id').map(toClient);
  }

  /** What the token endpoint needs to check a secret; nothing for a revoked client. */
  credentials(
    clientId: string,
  ): { scopes: Scope[]; salt: string; secret_hash: string; customer_id: string | null } | null {
    const row = one<ClientRow>(
      this.sql,
      'SELECT * FROM api_clients WHERE client_id = ? AND deleted_at IS NULL',
      clientId,
    );
    return row
      ? {
          scopes: JSON.parse(row.scopes),
          salt: row.salt,
          secret_hash: row.secret_hash,
          customer_id: row.customer_id,
        }
      : null;
  }

  /** Whether the client was revoked; an id never stored is not (the bootstrap client, a test's token). */
  revoked(clientId: string): boolean {
    const row = one<{ deleted_at: string | null }>(
      this.sql,
      'SELECT deleted_at FROM api_clients WHERE client_id = ?',
      clientId,
    );
    return row?.deleted_at != null;
  }

  revoke(clientId: string, actor: string): ApiClient {
    this.get(clientId);
    this.sql.exec(
      'UPDATE api_clients SET deleted_at = COALESCE(deleted_at, ?), ' +
        'deleted_by = COALESCE(deleted_by, ?) WHERE client_id = ?',
      new Date().toISOString(),
      actor,
      clientId,
    );
    return this.get(clientId);
  }

  /** A client's scopes and whether it was revoked; null when the account never stored it (the bootstrap client). */
  standing(clientId: string): { scopes: Scope[]; revoked: boolean } | null {
    const row = one<ClientRow>(this.sql, 'SELECT * FROM api_clients WHERE client_id = ?', clientId);
    return row ? { scopes: JSON.parse(row.scopes), revoked: row.deleted_at !== null } : null;
  }
}
