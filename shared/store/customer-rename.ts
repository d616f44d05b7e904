import { conflict, invalid, notFound } from '../errors';
import type { Customer } from '../schemas/customer';
import { indexCustomer, unindexCustomer } from './customer-index';
import type { CustomerTokens } from './customer-tokens';
import { one, type Sql } from './sql';

/**
 * `POST /customers/users/{customer_id}/change_customer_id` (docs/customers.md): the customer, its
 * refs, ledger rows, claims, recorded receipts, automation runs, checkout sessions and tokens move
 * to the new customer_id in one transaction (the caller's). Unlike Dintero, whose customers
 * service leaves discounts behind, rabatt keeps them together: they live in the same object.
 */
export function changeCustomerId(sql: Sql, tokens: CustomerTokens, from: string, to: string, actor: string): Customer {
  const row = one<{ seq: number; body: string; deleted_at: number | null }>(
    sql,
    'SELECT seq, body, deleted_at FROM customers WHERE customer_id = ?',
    from,
  );
  if (!row) throw notFound('Customer');
  if (row.deleted_at !== null) throw invalid('A deleted customer cannot be changed');
  const current = JSON.parse(row.body) as Customer;
  if (from === to) return current;
  const taken = (q: string) => one(sql, q, to) !== undefined;
  if (taken('SELECT 1 AS x FROM customers WHERE customer_id = ?')) {
    throw duplicate('A customer with this customer_id exists (deleted customers keep theirs)');
  }
  if (
    taken('SELECT 1 AS x FROM refs WHERE customer_id = ? LIMIT 1') ||
    taken('SELECT 1 AS x FROM ref_usages WHERE customer_id = ? LIMIT 1') ||
    taken('SELECT 1 AS x FROM claims WHERE customer_id = ? LIMIT 1')
  ) {
    throw duplicate('Refs or claims already name this customer_id: two histories would mix');
  }
  const now = new Date();
  const stamp = now.toISOString();
  const hash = crypto.randomUUID().replaceAll('-', '').slice(0, 8);
  const customer: Customer = {
    ...current,
    customer_id: to,
    metadata: {
      ...(current.metadata ?? {}),
      [`dintero_change_customer_id_${now.getTime()}.${hash}`]: {
        created_at: stamp,
        created_by: actor,
        old: from,
        new: to,
      },
    },
    updated_at: stamp,
    updated_by: actor,
  };
  sql.exec(
    'UPDATE customers SET customer_id = ?, body = ?, updated_at = ? WHERE seq = ?',
    to,
    JSON.stringify(customer),
    now.getTime(),
    row.seq,
  );
  unindexCustomer(sql, row.seq);
  indexCustomer(sql, row.seq, customer);
  for (const table of ['refs', 'ref_usages', 'recorded_receipts', 'automation_runs', 'checkout_sessions']) {
    sql.exec(`UPDATE ${table} SET customer_id = ? WHERE customer_id = ?`, to, from);
  }
  sql.exec(
    `UPDATE claims SET customer_id = ?1, body = json_set(body, '$.customer_id', ?1) WHERE customer_id = ?2`,
    to,
    from,
  );
  tokens.adopt(to, row.seq);
  return customer;
}

function duplicate(message: string) {
  return conflict(message, [{ field: 'customer_id', code: 'duplicate', message }]);
}
