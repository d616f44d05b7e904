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
import { cursorSeq, all, one, paging, Where, type Sql, type Value } from './sql';

/**
 * Customers (spec §4). The row keeps the customer as JSON in `body` plus lowercase copies of the
 * fields lists filter on, so every filter is an index range, never a scan:
 * - `email_lc`, `phone`: prefix filters (`col >= p AND col < successor(p)`).
 * - `search`: `customer_terms` holds each searchable word (names word by word, email, phone, customer_id);
 *   `customer_grams` holds each word's first 1..GRAM characters, keyed (gram, seq). A search drives
 *   on one word's gram in seq order, so a common prefix stops after `limit` rows instead of
 *   collecting every match; words longer than GRAM are then checked against `customer_terms`.
 * - `customer_tags`, `customer_attributes`, `customer_tokens`: the other filters and token lookup.
 * A deleted customer keeps only ids, creation/deletion stamps and `type` (not personal; it keeps
 * contacts out of default lists); everything else is erased from every table.
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

/** A token as events send it; `type` defaults to '' (a token without a type). */
export interface TokenInput {
  token_id?: string;
  type?: string;
  value?: string;
  customer_id?: string;
}

interface Row {
  seq: number;
  body: string;
}

/** The smallest string greater than every string starting with `prefix` (code point order = UTF-8 byte order). */
export function successor(prefix: string): string | null {
  const cps = Array.from(prefix);
  while (cps.length) {
    let next = cps.pop()!.codePointAt(0)! + 1;
    if (next > 0x10ffff) continue;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
    return cps.join('') + String.fromCodePoint(next);
  }
  return null;
}

function prefixRange(where: Where, column: string, prefix: string): void {
  const upper = successor(prefix);
  if (upper === null) where.add(`${column} >= ?`, prefix);
  else where.add(`${column} >= ? AND ${column} < ?`, prefix, upper);
}

const words = (s: string | undefined | null): string[] => (s ? s.toLowerCase().split(/\s+/).filter(Boolean) : []);

/** Search prefixes up to this length are indexed as grams; longer ones are checked per candidate. */
export const GRAM = 4;
const gramOf = (word: string) => Array.from(word).slice(0, GRAM).join('');
function gramsOf(terms: Iterable<string>): Set<string> {
  const grams = new Set<string>();
  for (const term of terms) {
    const cps = Array.from(term);
    for (let n = 1; n <= Math.min(GRAM, cps.length); n++) grams.add(cps.slice(0, n).join(''));
  }
  return grams;
}

/** The word to drive a search on: the longest gram, preferring words with letters over phone digits. */
function driverOf(words: string[]): string {
  const score = (w: string) => Array.from(gramOf(w)).length * 2 + (/\p{L}/u.test(w) ? 1 : 0);
  return words.reduce((best, w) => (score(w) > score(best) ? w : best));
}

/** Search words of a customer: names word by word, whole email, phone with and without `+`, customer_id. */
function termsOf(c: Customer): Set<string> {
  const terms = new Set<string>([...words(c.first_name), ...words(c.last_name), c.customer_id.toLowerCase()]);
  if (c.email) terms.add(c.email.toLowerCase());
  if (c.phone_number) {
    terms.add(c.phone_number);
    terms.add(c.phone_number.slice(1));
  }
  return terms;
}

/** Attribute values as filter strings: scalars as text, list elements one by one, objects as JSON. */
function attributePairs(attributes: Record<string, unknown> | undefined): [string, string][] {
  const pairs: [string, string][] = [];
  const asText = (x: unknown) => (typeof x === 'string' ? x : typeof x === 'object' ? JSON.stringify(x) : String(x));
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined) continue;
    for (const x of Array.isArray(value) ? [value, ...value] : [value]) pairs.push([key, asText(x)]);
  }
  return [...new Map(pairs.map((p) => [JSON.stringify(p), p])).values()];
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
  constructor(private readonly sql: Sql) {}

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
    this.index(seq, customer);
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
    this.unindex(seq);
    this.index(seq, customer);
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
    this.unindex(row.seq);
    this.sql.exec('DELETE FROM customer_tags WHERE seq = ?', row.seq);
    this.sql.exec('DELETE FROM customer_tokens WHERE customer_seq = ?', row.seq);
    // The customer_id stays findable by `search` with include_deleted: it is all that is left.
    this.indexTerms(row.seq, new Set([current.customer_id.toLowerCase()]));
    return tombstone;
  }

  /** Deletes a deleted customer for good, with whatever its side tables still hold (the scheduled cleanup's purge). */
  purge(seq: number): void {
    this.unindex(seq);
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
  listQuery(q: CustomerListQuery): { sql: string; args: Value[]; countSql: string; countArgs: Value[] } {
    const where = new Where();
    if (!q.include_deleted) where.add('deleted_at IS NULL');
    if (q.type === undefined) where.add("type <> 'contact'");
    else if (q.type !== 'any') where.add('type = ?', q.type);
    if (q.email !== undefined) prefixRange(where, 'email_lc', normaliseEmail(q.email));
    if (q.phone_number !== undefined) prefixRange(where, 'phone', normalisePhone(q.phone_number));
    const search = words(q.search).slice(0, 8);
    const driver = search.length ? driverOf(search) : undefined;
    if (driver !== undefined) where.add('g.gram = ?', gramOf(driver));
    for (const word of search) {
      if (word === driver && gramOf(word) === word) continue; // the gram alone is exact
      const upper = successor(word);
      const range = upper === null ? 'term >= ?' : 'term >= ? AND term < ?';
      where.add(
        `EXISTS (SELECT 1 FROM customer_terms t WHERE t.seq = c.seq AND ${range})`,
        word,
        ...(upper === null ? [] : [upper]),
      );
    }
    if (q.tag_id !== undefined) where.add('c.seq IN (SELECT seq FROM customer_tags WHERE tag_id = ?)', q.tag_id);
    if (q.token_value !== undefined && q.token_type !== undefined) {
      where.add(
        'c.seq IN (SELECT customer_seq FROM customer_tokens WHERE value = ? AND type = ?)',
        q.token_value,
        q.token_type,
      );
    } else if (q.token_value !== undefined) {
      where.add('c.seq IN (SELECT customer_seq FROM customer_tokens WHERE value = ?)', q.token_value);
    } else if (q.token_type !== undefined) {
      where.add('c.seq IN (SELECT customer_seq FROM customer_tokens WHERE type = ?)', q.token_type);
    }
    q.attributes_keys.forEach((key, i) => {
      const value = q.attributes_values[i];
      if (value === undefined) where.add('c.seq IN (SELECT seq FROM customer_attributes WHERE key = ?)', key);
      else where.add('c.seq IN (SELECT seq FROM customer_attributes WHERE key = ? AND value = ?)', key, value);
    });
    const from = driver !== undefined ? 'customer_grams g JOIN customers c ON c.seq = g.seq' : 'customers c';
    const key = driver !== undefined ? 'g.seq' : 'c.seq';
    const countSql = `SELECT COUNT(*) AS n FROM ${from} ${where}`;
    const countArgs = [...where.args];

    const customerList = {
      table: 'customers',
      what: 'customer',
      cursor: 'customer_id',
      seq: key,
      updatedAt: 'c.updated_at',
    };
    // Unlike the other lists, an empty `starting_after=` is read as an id here, one that names no customer.
    if (q.starting_after === '') cursorSeq(this.sql, customerList.table, customerList.what, '', customerList.cursor);
    const order = paging(this.sql, where, q, customerList);
    return {
      sql: `SELECT c.seq, c.body FROM ${from} ${where} ORDER BY ${order} LIMIT ?`,
      args: [...where.args, q.limit],
      countSql,
      countArgs,
    };
  }

  // Tokens (events `token_add` / `token_remove`; receipts resolve them).

  /** Links a token to a customer; a token already linked elsewhere moves (the card changed hands). */
  addToken(token: TokenInput): void {
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
  removeToken(token: TokenInput): void {
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
  resolveToken(token: { token_id?: string; type?: string; value?: string }): string | null {
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

  private index(seq: number, c: Customer): void {
    this.indexTerms(seq, termsOf(c));
    for (const [key, value] of attributePairs(c.attributes)) {
      this.sql.exec('INSERT INTO customer_attributes (key, value, seq) VALUES (?, ?, ?)', key, value, seq);
    }
  }

  private indexTerms(seq: number, terms: Set<string>): void {
    for (const term of terms) this.sql.exec('INSERT INTO customer_terms (seq, term) VALUES (?, ?)', seq, term);
    for (const gram of gramsOf(terms)) this.sql.exec('INSERT INTO customer_grams (gram, seq) VALUES (?, ?)', gram, seq);
  }

  private unindex(seq: number): void {
    const terms = all<{ term: string }>(this.sql, 'SELECT term FROM customer_terms WHERE seq = ?', seq).map(
      (r) => r.term,
    );
    for (const gram of gramsOf(terms))
      this.sql.exec('DELETE FROM customer_grams WHERE gram = ? AND seq = ?', gram, seq);
    this.sql.exec('DELETE FROM customer_terms WHERE seq = ?', seq);
    this.sql.exec('DELETE FROM customer_attributes WHERE seq = ?', seq);
  }
}

function duplicate(field: string, message: string): DomainError {
  return conflict(message, [{ field, code: 'duplicate', message }]);
}

/** Emails hold no spaces, so a space can only be a `+` sent unencoded. */
export function normaliseEmail(q: string): string {
  return q.replace(/ /g, '+').toLowerCase();
}

/** Stored phones are E.164, so the filter always starts with `+`; a leading space was an unencoded `+`. */
export function normalisePhone(q: string): string {
  const digits = q.trim().replace(/^\+/, '');
  if (!/^\d*$/.test(digits)) {
    throw invalid('phone_number is a prefix of an E.164 number', [
      { field: 'phone_number', code: 'regex', message: 'Expected digits after an optional +, with + sent as %2B' },
    ]);
  }
  return `+${digits}`;
}
