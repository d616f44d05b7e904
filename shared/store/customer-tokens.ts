import { invalid } from '../errors';
import { all, one, type Sql, type Value } from './sql';

/**
 * Customer tokens (cards, member numbers): `customer_tokens`, created with the customers table
 * (customers.ts `customers/001`). Events `token_add` / `token_remove` write them; receipts resolve
 * `customer.token` to a customer_id through them. A deleted customer's tokens are deleted with it.
 */

/** A token as events send it; `type` defaults to '' (a token without a type). */
export interface TokenInput {
  token_id?: string;
  type?: string;
  value?: string;
  customer_id?: string;
}

export class CustomerTokens {
  constructor(private readonly sql: Sql) {}

  /** Links a token to a customer; a token already linked elsewhere moves (the card changed hands). */
  add(token: TokenInput): void {
    if (!token.value)
      throw invalid('A token needs a value', [
        { field: 'token.value', code: 'required', message: 'Expected a token value' },
      ]);
    const owner =
      token.customer_id === undefined
        ? undefined
        : one<{ seq: number }>(
            this.sql,
            'SELECT seq FROM customers WHERE customer_id = ? AND deleted_at IS NULL',
            token.customer_id,
          );
    if (!owner) {
      throw invalid('token.customer_id names no customer', [
        {
          field: 'token.customer_id',
          code: 'unknown_customer',
          message: 'Expected the customer_id of an existing customer',
        },
      ]);
    }
    const type = token.type ?? '';
    if (token.token_id !== undefined) this.sql.exec('DELETE FROM customer_tokens WHERE token_id = ?', token.token_id);
    this.sql.exec('DELETE FROM customer_tokens WHERE value = ? AND type = ?', token.value, type);
    this.sql.exec(
      'INSERT INTO customer_tokens (token_id, type, value, customer_seq, created_at) VALUES (?, ?, ?, ?, ?)',
      token.token_id ?? null,
      type,
      token.value,
      owner.seq,
      Date.now(),
    );
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
   */
  resolve(token: { token_id?: string; type?: string; value?: string }): string | null {
    const owners = (where: string, ...args: Value[]) =>
      all<{ customer_id: string }>(
        this.sql,
        `SELECT DISTINCT c.customer_id FROM customer_tokens t JOIN customers c ON c.seq = t.customer_seq
         WHERE ${where} AND c.deleted_at IS NULL LIMIT 2`,
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
}
