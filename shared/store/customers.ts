import { conflict, invalid, notFound, validationError, type DomainError, type FieldError } from '../errors';
import {
  customerCreateSchema,
  type Customer,
  type CustomerInput,
  type CustomerListQuery,
  type CustomerUpdate,
} from '../schemas/customer';
import { SERVER_OWNED_FIELDS } from '../schemas/common';
import { parse, toFieldErrors } from '../schemas/parse';
import * as v from 'valibot';
import type { Migration } from './migrations';
import { customerListQuery, indexCustomer, indexTerms, unindexCustomer } from './customer-index';
import { CustomerTokens, type TokenInput } from './customer-tokens';
import { all, one, type Sql } from './sql';

/**
 * Customers (spec §4). The row keeps the customer as JSON in `body` plus lowercase copies of the
 * fields lists filter on, so every filter is an index range, never a scan (customer-index.ts says
 * how each filter and the search use them; customer-tokens.ts owns token lookup). A deleted
 * customer keeps only ids, creation/deletion stamps and `type` (not personal; it keeps contacts
 * out of default lists); everything else is erased from every table.
 */
export const customerMigrations: Migration[] = [
  {
    id: 'customers/001',
    statements: [
      `CREATE TABLE customers (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        customer_id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        email_lc TEXT,
        phone TEXT,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        deleted_at INTEGER
      )`,
      'CREATE UNIQUE INDEX customers_email_per_type ON customers (type, email_lc) WHERE email_lc IS NOT NULL',
      'CREATE INDEX customers_by_email ON customers (email_lc) WHERE email_lc IS NOT NULL',
      'CREATE INDEX customers_by_phone ON customers (phone) WHERE phone IS NOT NULL',
      'CREATE INDEX customers_by_updated ON customers (updated_at, seq)',
      'CREATE TABLE customer_terms (seq INTEGER NOT NULL, term TEXT NOT NULL, PRIMARY KEY (seq, term)) WITHOUT ROWID',
      'CREATE TABLE customer_grams (gram TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (gram, seq)) WITHOUT ROWID',
      'CREATE TABLE customer_tags (tag_id TEXT NOT NULL, seq INTEGER NOT NULL, ' +
        'PRIMARY KEY (tag_id, seq)) WITHOUT ROWID',
      'CREATE INDEX customer_tags_by_seq ON customer_tags (seq)',
      `CREATE TABLE customer_attributes (key TEXT NOT NULL, value TEXT NOT NULL, seq INTEGER NOT NULL,
        PRIMARY KEY (key, value, seq)) WITHOUT ROWID`,
      'CREATE INDEX customer_attributes_by_seq ON customer_attributes (seq)',
      `CREATE TABLE customer_tokens (
        rowid INTEGER PRIMARY KEY,
        token_id TEXT,
        type TEXT NOT NULL,
        value TEXT NOT NULL,
        customer_seq INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      )`,
      'CREATE UNIQUE INDEX customer_tokens_by_value ON customer_tokens (value, type)',
      'CREATE UNIQUE INDEX customer_tokens_by_id ON customer_tokens (token_id) WHERE token_id IS NOT NULL',
      'CREATE INDEX customer_tokens_by_type ON customer_tokens (type, customer_seq)',
      'CREATE INDEX customer_tokens_by_customer ON customer_tokens (customer_seq)',
    ],
  },
  {
    // Dintero spells it `bussiness_name`; customers stored under rabatt's earlier `business_name`
    // move to Dintero's key, so requirements on company.bussiness_name match them.
    id: 'customers/002',
    statements: [
      `UPDATE customers SET body = json_remove(
         json_set(body, '$.company.bussiness_name', json_extract(body, '$.company.business_name')),
         '$.company.business_name')
       WHERE json_extract(body, '$.company.business_name') IS NOT NULL`,
    ],
  },
];

interface Row {
  seq: number;
  body: string;
}

const OUTPUT_ONLY: readonly string[] = [...SERVER_OWNED_FIELDS, 'tag_ids'];

function withoutNulls(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(o).filter(([k, x]) => x !== null && x !== undefined && !OUTPUT_ONLY.includes(k)),
  );
}

function mergeMetadata(current: Record<string, unknown> | undefined, patch: Record<string, unknown>) {
  const merged: Record<string, unknown> = { ...(current ?? {}) };
  for (const [k, x] of Object.entries(patch)) {
    if (x === null) delete merged[k];
    else merged[k] = x;
  }
  return Object.keys(merged).length ? merged : undefined;
}

export class CustomerStore {
  /** Token lookups and the Customers API's token operations (customer-tokens.ts). */
  readonly tokens: CustomerTokens;

  constructor(private readonly sql: Sql) {
    this.tokens = new CustomerTokens(sql);
  }

  create(input: CustomerInput, actor: string, field = ''): Customer {
    const customerId = input.customer_id ?? crypto.randomUUID();
    if (one(this.sql, 'SELECT 1 AS x FROM customers WHERE customer_id = ?', customerId)) {
      throw duplicate(`${field}customer_id`, 'A customer with this customer_id exists (deleted customers keep theirs)');
    }
    const now = new Date().toISOString();
    const customer = {
      id: crypto.randomUUID(),
      customer_id: customerId,
      ...withoutNulls(input),
      type: input.type ?? 'customer',
      tag_ids: [],
      created_at: now,
      created_by: actor,
      updated_at: now,
      updated_by: actor,
    } as Customer;
    this.assertEmailFree(customer, field);
    const seq = this.sql
      .exec<{ seq: number }>(
        `INSERT INTO customers (id, customer_id, type, email_lc, phone, body, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
        customer.id,
        customerId,
        customer.type!,
        customer.email?.toLowerCase() ?? null,
        customer.phone_number ?? null,
        JSON.stringify(customer),
        Date.parse(now),
        Date.parse(now),
      )
      .one().seq;
    indexCustomer(this.sql, seq, customer);
    this.tokens.adopt(customerId, seq);
    return customer;
  }

  /** Many customers at once, all or none; errors name `customers.<n>.<field>`. */
  import(inputs: unknown[], actor: string): { id: string; customer_id: string }[] {
    const parsed: CustomerInput[] = [];
    const errors: FieldError[] = [];
    inputs.forEach((input, i) => {
      const result = v.safeParse(customerCreateSchema, input, { abortPipeEarly: true });
      if (result.success) parsed.push(result.output);
      else errors.push(...toFieldErrors(result.issues).map((e) => ({ ...e, field: `customers.${i}.${e.field}` })));
    });
    if (errors.length) throw validationError(errors.slice(0, 100));
    return parsed.map((input, i) => {
      const c = this.create(input, actor, `customers.${i}.`);
      return { id: c.id, customer_id: c.customer_id };
    });
  }

  /** The customer, deleted or not; 404 when the customer_id was never used. */
  get(customerId: string): Customer {
    const row = this.row(customerId);
    if (!row) throw notFound('Customer');
    return JSON.parse(row.body) as Customer;
  }

  /** The customer if it exists and is not deleted. */
  find(customerId: string): Customer | null {
    const row = one<Row>(
      this.sql,
      'SELECT seq, body FROM customers WHERE customer_id = ? AND deleted_at IS NULL',
      customerId,
    );
    return row ? (JSON.parse(row.body) as Customer) : null;
  }

  update(customerId: string, patch: CustomerUpdate, actor: string): Customer {
    const { seq, current } = this.live(customerId);
    if (patch.customer_id !== undefined && patch.customer_id !== customerId) {
      throw invalid('customer_id cannot change', [
        { field: 'customer_id', code: 'immutable', message: 'customer_id cannot change' },
      ]);
    }
    const merged: Record<string, unknown> = { ...current };
    for (const [k, x] of Object.entries(patch)) {
      if (OUTPUT_ONLY.includes(k) || k === 'customer_id' || x === undefined) continue;
      if (k === 'metadata' && x !== null)
        merged.metadata = mergeMetadata(current.metadata, x as Record<string, unknown>);
      else if (x === null) delete merged[k];
      else merged[k] = x;
    }
    const valid = parse(customerCreateSchema, { ...withoutNulls(merged), customer_id: customerId });
    const now = new Date().toISOString();
    const customer = {
      id: current.id,
      ...withoutNulls(valid),
      customer_id: customerId,
      type: valid.type ?? 'customer',
      tag_ids: current.tag_ids ?? [],
      created_at: current.created_at,
      created_by: current.created_by,
      updated_at: now,
      updated_by: actor,
    } as Customer;
    this.assertEmailFree(customer, '', seq);
    this.sql.exec(
      'UPDATE customers SET type = ?, email_lc = ?, phone = ?, body = ?, updated_at = ? WHERE seq = ?',
      customer.type!,
      customer.email?.toLowerCase() ?? null,
      customer.phone_number ?? null,
      JSON.stringify(customer),
      Date.parse(now),
      seq,
    );
    unindexCustomer(this.sql, seq);
    indexCustomer(this.sql, seq, customer);
    return customer;
  }

  setTags(customerId: string, tagIds: string[], actor: string): Customer {
    const { seq, current } = this.live(customerId);
    const now = new Date().toISOString();
    const customer: Customer = { ...current, tag_ids: [...new Set(tagIds)], updated_at: now, updated_by: actor };
    this.sql.exec(
      'UPDATE customers SET body = ?, updated_at = ? WHERE seq = ?',
      JSON.stringify(customer),
      Date.parse(now),
      seq,
    );
    this.sql.exec('DELETE FROM customer_tags WHERE seq = ?', seq);
    for (const tag of customer.tag_ids!)
      this.sql.exec('INSERT INTO customer_tags (tag_id, seq) VALUES (?, ?)', tag, seq);
    return customer;
  }

  /** Erases every personal field and token; deleting again returns the same tombstone. */
  delete(customerId: string, actor: string): Customer {
    const row = this.row(customerId);
    if (!row) throw notFound('Customer');
    const current = JSON.parse(row.body) as Customer;
    if (current.deleted_at) return current;
    const now = new Date().toISOString();
    const tombstone: Customer = {
      id: current.id,
      customer_id: current.customer_id,
      // Not personal, and Dintero's CustomerResponse always has it.
      type: current.type ?? 'customer',
      created_at: current.created_at,
      created_by: current.created_by,
      deleted_at: now,
      deleted_by: actor,
    };
    this.sql.exec(
      'UPDATE customers SET email_lc = NULL, phone = NULL, body = ?, updated_at = ?, deleted_at = ? WHERE seq = ?',
      JSON.stringify(tombstone),
      Date.parse(now),
      Date.parse(now),
      row.seq,
    );
    unindexCustomer(this.sql, row.seq);
    this.sql.exec('DELETE FROM customer_tags WHERE seq = ?', row.seq);
    this.sql.exec('DELETE FROM customer_tokens WHERE customer_seq = ?', row.seq);
    // The customer_id stays findable by `search` with include_deleted: it is all that is left.
    indexTerms(this.sql, row.seq, new Set([current.customer_id.toLowerCase()]));
    return tombstone;
  }

  /** Deletes a deleted customer for good, with whatever its side tables still hold (the scheduled cleanup's purge). */
  purge(seq: number): void {
    unindexCustomer(this.sql, seq);
    this.sql.exec('DELETE FROM customer_tags WHERE seq = ?', seq);
    this.sql.exec('DELETE FROM customer_tokens WHERE customer_seq = ?', seq);
    this.sql.exec('DELETE FROM customers WHERE seq = ? AND deleted_at IS NOT NULL', seq);
  }

  list(q: CustomerListQuery): { customers: Customer[]; total?: number } {
    const { sql, args, countSql, countArgs } = this.listQuery(q);
    const total = q.total ? this.sql.exec<{ n: number }>(countSql, ...countArgs).one().n : undefined;
    const rows = all<Row>(this.sql, sql, ...args);
    return { customers: rows.map((r) => JSON.parse(r.body) as Customer), total };
  }

  /** The list's SQL, separate so a test can EXPLAIN it. */
  listQuery(q: CustomerListQuery) {
    return customerListQuery(this.sql, q);
  }

  // Tokens (events `token_add` / `token_remove`; receipts resolve them): customer-tokens.ts.
  addToken(token: TokenInput): void {
    this.tokens.add(token);
  }

  removeToken(token: TokenInput): void {
    this.tokens.remove(token);
  }

  resolveToken(token: { token_id?: string; type?: string; value?: string }): string | null {
    return this.tokens.resolve(token);
  }

  /** The seq of a customer that exists and is not deleted: 404 when never used, 400 when deleted. */
  liveSeq(customerId: string): number {
    return this.live(customerId).seq;
  }

  /** As liveSeq, but null for a deleted customer (404 still when never used). */
  liveSeqOrNone(customerId: string): number | null {
    const row = this.row(customerId);
    if (!row) throw notFound('Customer');
    return (JSON.parse(row.body) as Customer).deleted_at ? null : row.seq;
  }

  private row(customerId: string): Row | undefined {
    return one<Row>(this.sql, 'SELECT seq, body FROM customers WHERE customer_id = ?', customerId);
  }

  private live(customerId: string): { seq: number; current: Customer } {
    const row = this.row(customerId);
    if (!row) throw notFound('Customer');
    const current = JSON.parse(row.body) as Customer;
    if (current.deleted_at) throw invalid('A deleted customer cannot be changed');
    return { seq: row.seq, current };
  }

  private assertEmailFree(c: Customer, field: string, exceptSeq = -1): void {
    if (!c.email) return;
    const taken = one(
      this.sql,
      'SELECT 1 AS x FROM customers WHERE type = ? AND email_lc = ? AND seq <> ?',
      c.type!,
      c.email.toLowerCase(),
      exceptSeq,
    );
    if (taken)
      throw duplicate(
        `${field}email`,
        `Another customer of type ${c.type} has this email (compared case-insensitively)`,
      );
  }
}

function duplicate(field: string, message: string): DomainError {
  return conflict(message, [{ field, code: 'duplicate', message }]);
}
