import { conflict, invalid, notFound } from '../errors';
import { iso } from '../time';
import type { Migration } from './migrations';
import { all, one, type Sql, type Value } from './sql';

/**
 * Customer tokens (cards, member numbers): `customer_tokens`. One store, two ways in: the events
 * `token_add` / `token_remove` and Dintero's `/customers/users/{customer_id}/tokens`. Receipts
 * resolve `customer.token` to a customer_id through them. A token may wait for its customer: a
 * `token_add` naming a customer_id not in the registry keeps it in `pending_customer_id` (Dintero:
 * "an event can be created before the customer exists"); receipts resolve it to that customer_id,
 * and creating the customer adopts it. A deleted customer's tokens are deleted with it.
 */
export const customerTokenMigrations: Migration[] = [
  {
    // Every token gets a token_id (Dintero's DELETE .../tokens/{tid} names it), may wait for its
    // customer, and keeps Dintero's metadata and created_by.
    id: 'customers/003',
    statements: [
      `CREATE TABLE customer_tokens_v2 (
        rowid INTEGER PRIMARY KEY,
        token_id TEXT NOT NULL,
        type TEXT NOT NULL,
        value TEXT NOT NULL,
        customer_seq INTEGER,
        pending_customer_id TEXT,
        metadata TEXT,
        created_at INTEGER NOT NULL,
        created_by TEXT,
        CHECK ((customer_seq IS NULL) <> (pending_customer_id IS NULL))
      )`,
      `INSERT INTO customer_tokens_v2 (rowid, token_id, type, value, customer_seq, created_at)
       SELECT rowid, IFNULL(token_id, lower(hex(randomblob(16)))), type, value, customer_seq, created_at
       FROM customer_tokens`,
      'DROP TABLE customer_tokens',
      'ALTER TABLE customer_tokens_v2 RENAME TO customer_tokens',
      'CREATE UNIQUE INDEX customer_tokens_by_value ON customer_tokens (value, type)',
      'CREATE UNIQUE INDEX customer_tokens_by_id ON customer_tokens (token_id)',
      'CREATE INDEX customer_tokens_by_type ON customer_tokens (type, customer_seq)',
      'CREATE INDEX customer_tokens_by_customer ON customer_tokens (customer_seq, rowid)',
      `CREATE INDEX customer_tokens_pending ON customer_tokens (pending_customer_id)
        WHERE pending_customer_id IS NOT NULL`,
      // Dintero's token events: keyed by (type, value), whether or not a customer holds the token.
      `CREATE TABLE token_keys (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (type, value)
      )`,
      'CREATE INDEX token_keys_by_updated ON token_keys (updated_at, seq)',
      `CREATE TABLE token_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        key_seq INTEGER NOT NULL,
        event TEXT NOT NULL,
        status TEXT,
        metadata TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER
      )`,
      'CREATE INDEX token_events_by_key ON token_events (key_seq, seq)',
    ],
  },
];

/** A token as events send it; `type` defaults to '' (a token without a type). */
export interface TokenInput {
  token_id?: string;
  type?: string;
  value?: string;
  customer_id?: string;
  metadata?: Record<string, unknown>;
}

/** A token as Dintero's CustomerToken answers it. */
export interface CustomerToken {
  token_id: string;
  type: string;
  value: string;
  metadata?: Record<string, unknown>;
  created_at: string;
  created_by?: string;
}

type TokenRow = {
  rowid: number;
  token_id: string;
  type: string;
  value: string;
  customer_seq: number | null;
  pending_customer_id: string | null;
  metadata: string | null;
  created_at: number;
  created_by: string | null;
};

export const toToken = (r: TokenRow): CustomerToken => ({
  token_id: r.token_id,
  type: r.type,
  value: r.value,
  ...(r.metadata !== null && { metadata: JSON.parse(r.metadata) }),
  created_at: iso(r.created_at),
  ...(r.created_by !== null && { created_by: r.created_by }),
});

/** Where a token goes: a registered customer (its seq) or a customer_id not registered yet. */
type Owner = { seq: number } | { pending: string };

export class CustomerTokens {
  constructor(private readonly sql: Sql) {}

  /**
   * `token_add`: links a token to a customer; a token already linked elsewhere moves (the card
   * changed hands). A customer_id never registered keeps the token waiting for it; a deleted one is 400.
   */
  add(token: TokenInput, actor?: string): CustomerToken {
    if (!token.value)
      throw invalid('A token needs a value', [
        { field: 'token.value', code: 'required', message: 'Expected a token value' },
      ]);
    const owner = token.customer_id === undefined ? undefined : this.owner(token.customer_id);
    if (!owner) {
      throw invalid('token.customer_id names no customer', [
        {
          field: 'token.customer_id',
          code: 'unknown_customer',
          message: 'Expected the customer_id of a customer that is not deleted',
        },
      ]);
    }
    const type = token.type ?? '';
    if (token.token_id !== undefined) this.sql.exec('DELETE FROM customer_tokens WHERE token_id = ?', token.token_id);
    this.sql.exec('DELETE FROM customer_tokens WHERE value = ? AND type = ?', token.value, type);
    return this.insert(owner, { ...token, type, value: token.value }, actor);
  }

  /**
   * `POST /users/{customer_id}/tokens`: the customer must exist. A token another customer holds
   * (by type and value, or token_id) is 409; the customer's own is replaced (a retry, a re-import).
   */
  create(customerSeq: number, token: Required<Pick<TokenInput, 'type' | 'value'>> & TokenInput, actor: string) {
    const held = all<{ customer_seq: number | null; token_id: string }>(
      this.sql,
      'SELECT customer_seq, token_id FROM customer_tokens WHERE (value = ? AND type = ?) OR token_id = ?',
      token.value,
      token.type,
      token.token_id ?? null,
    );
    if (held.some((h) => h.customer_seq !== customerSeq)) {
      const byId = held.some((h) => h.token_id === token.token_id && h.customer_seq !== customerSeq);
      const field = byId ? 'token_id' : 'value';
      const message = byId ? 'Another customer holds a token with this token_id' : 'Another customer holds this token';
      throw conflict(message, [{ field, code: 'duplicate', message }]);
    }
    this.sql.exec(
      'DELETE FROM customer_tokens WHERE customer_seq = ? AND ((value = ? AND type = ?) OR token_id = ?)',
      customerSeq,
      token.value,
      token.type,
      token.token_id ?? null,
    );
    return this.insert({ seq: customerSeq }, token, actor);
  }

  /** A customer's tokens in creation order; `starting_after` is a token_id of theirs. */
  list(customerSeq: number, q: { type?: string; limit: number; starting_after?: string; total?: boolean }) {
    const where = ['customer_seq = ?'];
    const args: Value[] = [customerSeq];
    if (q.type !== undefined) {
      where.push('type = ?');
      args.push(q.type);
    }
    const total = q.total
      ? this.sql
          .exec<{ n: number }>(`SELECT COUNT(*) AS n FROM customer_tokens WHERE ${where.join(' AND ')}`, ...args)
          .one().n
      : undefined;
    if (q.starting_after !== undefined) {
      const after = one<{ rowid: number }>(
        this.sql,
        'SELECT rowid FROM customer_tokens WHERE token_id = ? AND customer_seq = ?',
        q.starting_after,
        customerSeq,
      );
      if (!after)
        throw invalid('starting_after names no token of this customer', [
          { field: 'starting_after', code: 'unknown_id', message: 'No token of this customer with this token_id' },
        ]);
      where.push('rowid > ?');
      args.push(after.rowid);
    }
    const rows = all<TokenRow>(
      this.sql,
      `SELECT * FROM customer_tokens WHERE ${where.join(' AND ')} ORDER BY rowid LIMIT ?`,
      ...args,
      q.limit,
    );
    return { tokens: rows.map(toToken), total };
  }

  /** Deletes one of the customer's tokens by token_id and answers it; 404 when they hold none such. */
  deleteOf(customerSeq: number, tokenId: string): CustomerToken {
    const row = one<TokenRow>(
      this.sql,
      'SELECT * FROM customer_tokens WHERE token_id = ? AND customer_seq = ?',
      tokenId,
      customerSeq,
    );
    if (!row) throw notFound('Token');
    this.sql.exec('DELETE FROM customer_tokens WHERE rowid = ?', row.rowid);
    return toToken(row);
  }

  /** The token with this type and value, and its owner's customer_id (pending ones too). */
  find(type: string, value: string): { token: CustomerToken; customer_id: string } | null {
    const row = one<TokenRow & { owner: string | null }>(
      this.sql,
      `SELECT t.*, COALESCE(c.customer_id, t.pending_customer_id) AS owner FROM customer_tokens t
       LEFT JOIN customers c ON c.seq = t.customer_seq WHERE t.value = ? AND t.type = ?`,
      value,
      type,
    );
    return row?.owner ? { token: toToken(row), customer_id: row.owner } : null;
  }

  /** A newly registered customer takes the tokens that waited for its customer_id. */
  adopt(customerId: string, seq: number): void {
    this.sql.exec(
      'UPDATE customer_tokens SET customer_seq = ?, pending_customer_id = NULL WHERE pending_customer_id = ?',
      seq,
      customerId,
    );
  }

  /** change_customer_id: tokens waiting for the new id join the customer. */
  renamed(seq: number, newId: string): void {
    this.adopt(newId, seq);
  }

  /** Removes by token_id, else by value (and type when given). Removing a missing token is fine. */
  remove(token: TokenInput): void {
    if (token.token_id !== undefined) {
      this.sql.exec('DELETE FROM customer_tokens WHERE token_id = ?', token.token_id);
    } else if (token.value !== undefined) {
      if (token.type !== undefined)
        this.sql.exec('DELETE FROM customer_tokens WHERE value = ? AND type = ?', token.value, token.type);
      else this.sql.exec('DELETE FROM customer_tokens WHERE value = ?', token.value);
    } else {
      throw invalid('A token needs token_id or value', [
        { field: 'token', code: 'required', message: 'Expected token.token_id or token.value' },
      ]);
    }
  }

  /**
   * The customer_id a token belongs to, or null. token_id wins when known; otherwise value (and
   * type when given). A value without type that several customers hold is ambiguous: null.
   * A token waiting for its customer resolves to the customer_id it names.
   */
  resolve(token: { token_id?: string; type?: string; value?: string }): string | null {
    const owners = (where: string, ...args: Value[]) =>
      all<{ customer_id: string }>(
        this.sql,
        `SELECT DISTINCT COALESCE(c.customer_id, t.pending_customer_id) AS customer_id FROM customer_tokens t
         LEFT JOIN customers c ON c.seq = t.customer_seq
         WHERE ${where} AND (t.customer_seq IS NULL OR c.deleted_at IS NULL) LIMIT 2`,
        ...args,
      ).map((r) => r.customer_id);
    if (token.token_id) {
      const byId = owners('t.token_id = ?', token.token_id);
      if (byId.length) return byId[0]!;
    }
    if (!token.value) return null;
    const byValue =
      token.type !== undefined
        ? owners('t.value = ? AND t.type = ?', token.value, token.type)
        : owners('t.value = ?', token.value);
    return byValue.length === 1 ? byValue[0]! : null;
  }

  private owner(customerId: string): Owner | undefined {
    const row = one<{ seq: number; deleted_at: number | null }>(
      this.sql,
      'SELECT seq, deleted_at FROM customers WHERE customer_id = ?',
      customerId,
    );
    if (!row) return { pending: customerId };
    return row.deleted_at === null ? { seq: row.seq } : undefined;
  }

  private insert(owner: Owner, token: TokenInput & { type: string; value: string }, actor?: string): CustomerToken {
    const row = this.sql
      .exec<TokenRow>(
        `INSERT INTO customer_tokens
           (token_id, type, value, customer_seq, pending_customer_id, metadata, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        token.token_id ?? crypto.randomUUID(),
        token.type,
        token.value,
        'seq' in owner ? owner.seq : null,
        'pending' in owner ? owner.pending : null,
        token.metadata === undefined ? null : JSON.stringify(token.metadata),
        Date.now(),
        actor ?? null,
      )
      .one();
    return toToken(row);
  }
}
