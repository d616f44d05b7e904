import type { Customer, CustomerListQuery } from '../schemas/customer';
import { invalid } from '../errors';
import { all, cursorSeq, paging, Where, type Sql, type Value } from './sql';

/**
 * The customer list's filters and search, as indexes (tables: customers.ts `customers/001`):
 * - `email_lc`, `phone`: prefix filters (`col >= p AND col < successor(p)`).
 * - `search`: `customer_terms` holds each searchable word (names word by word, email, phone,
 *   customer_id); `customer_grams` holds each word's first 1..GRAM characters, keyed (gram, seq).
 *   A search drives on one word's gram in seq order, so a common prefix stops after `limit` rows
 *   instead of collecting every match; words longer than GRAM are then checked against
 *   `customer_terms`.
 * - `customer_attributes`, `customer_tags`, `customer_tokens`: the other filters.
 * The customer store calls indexCustomer / unindexCustomer around every write of a customer.
 */

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

/** Writes a customer's search words, grams and attribute pairs (after create or update). */
export function indexCustomer(sql: Sql, seq: number, c: Customer): void {
  indexTerms(sql, seq, termsOf(c));
  for (const [key, value] of attributePairs(c.attributes)) {
    sql.exec('INSERT INTO customer_attributes (key, value, seq) VALUES (?, ?, ?)', key, value, seq);
  }
}

/** Writes search words and their grams for one customer. */
export function indexTerms(sql: Sql, seq: number, terms: Set<string>): void {
  for (const term of terms) sql.exec('INSERT INTO customer_terms (seq, term) VALUES (?, ?)', seq, term);
  for (const gram of gramsOf(terms)) sql.exec('INSERT INTO customer_grams (gram, seq) VALUES (?, ?)', gram, seq);
}

/** Removes everything indexCustomer wrote for one customer. */
export function unindexCustomer(sql: Sql, seq: number): void {
  const terms = all<{ term: string }>(sql, 'SELECT term FROM customer_terms WHERE seq = ?', seq).map((r) => r.term);
  for (const gram of gramsOf(terms)) sql.exec('DELETE FROM customer_grams WHERE gram = ? AND seq = ?', gram, seq);
  sql.exec('DELETE FROM customer_terms WHERE seq = ?', seq);
  sql.exec('DELETE FROM customer_attributes WHERE seq = ?', seq);
}

/** The customer list's SQL (filters, search, paging), separate so a test can EXPLAIN it. */
export function customerListQuery(
  sql: Sql,
  q: CustomerListQuery,
): { sql: string; args: Value[]; countSql: string; countArgs: Value[] } {
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
  if (q.starting_after === '') cursorSeq(sql, customerList.table, customerList.what, '', customerList.cursor);
  const order = paging(sql, where, q, customerList);
  return {
    sql: `SELECT c.seq, c.body FROM ${from} ${where} ORDER BY ${order} LIMIT ?`,
    args: [...where.args, q.limit],
    countSql,
    countArgs,
  };
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
