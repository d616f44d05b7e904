import { invalid } from '../errors';
import type { Rule } from '../schemas/rule';
import {
  DEFAULT_INCLUDES,
  SEARCH_LIMITS,
  type SearchInput,
  type SearchQuery,
  type SearchResult,
} from '../schemas/search';
import type { Migration } from './migrations';
import { all, type Sql } from './sql';

/**
 * Rule search (docs/search.md): "which of these customers' discounts touch these products". An
 * index, not a scan: `rule_items` holds one row per exact item id / group id a live rule's
 * `requirement.item.items` names, written with the rule; refs are found by (rule, customer) through
 * a partial index on live refs. Wildcard patterns (`*`, ANY_ITEM) touch every product and are
 * left out: a search names products.
 */
export const searchMigrations: Migration[] = [
  {
    id: 'search/001',
    statements: [
      `CREATE TABLE rule_items (kind TEXT NOT NULL CHECK (kind IN ('id', 'group_id')), value TEXT NOT NULL,
        rule_id TEXT NOT NULL, PRIMARY KEY (kind, value, rule_id)) WITHOUT ROWID`,
      'CREATE INDEX rule_items_by_rule ON rule_items (rule_id)',
      'CREATE INDEX refs_live_by_rule_customer ON refs (rule_id, customer_id, kind) WHERE deleted_at IS NULL',
      // Rules written before this migration.
      `INSERT OR IGNORE INTO rule_items (kind, value, rule_id)
        SELECT 'id', json_extract(i.value, '$.id'), rules.id
        FROM rules, json_each(rules.body, '$.requirement.item.items') AS i
        WHERE rules.deleted_at IS NULL AND json_extract(i.value, '$.id') IS NOT NULL
          AND json_extract(i.value, '$.id') NOT IN ('*', 'ANY_ITEM')`,
      `INSERT OR IGNORE INTO rule_items (kind, value, rule_id)
        SELECT 'group_id', json_extract(i.value, '$.group_id'), rules.id
        FROM rules, json_each(rules.body, '$.requirement.item.items') AS i
        WHERE rules.deleted_at IS NULL AND json_extract(i.value, '$.group_id') IS NOT NULL`,
    ],
  },
];

type Kind = 'id' | 'group_id';
const WILDCARD_IDS = new Set(['*', 'ANY_ITEM']);

/** Live rules (active, in their purchase window now) naming one of `values` as `kind`. */
export const CANDIDATES_SQL = `SELECT ri.value, ri.rule_id FROM rule_items ri JOIN rules ru ON ru.id = ri.rule_id
  WHERE ri.kind = ? AND ri.value IN (SELECT value FROM json_each(?))
    AND ru.deleted_at IS NULL AND ru.active = 1 AND ru.purchase_from <= ? AND ru.purchase_to >= ?`;
/** Which of `customers` hold which of `rules`, by their own ref or by a `*` ref. */
export const HOLDERS_SQL = `SELECT rule_id, customer_id FROM refs
  WHERE deleted_at IS NULL AND rule_id IN (SELECT value FROM json_each(?))
    AND customer_id IN (SELECT value FROM json_each(?))
  UNION ALL
  SELECT rule_id, NULL FROM refs
  WHERE deleted_at IS NULL AND rule_id IN (SELECT value FROM json_each(?)) AND customer_id IS NULL AND kind = '*'`;

/**
 * Which side to start from: the rows naming the products, or the refs the customers hold (own and
 * `*`). Both counts are index range counts; the search then walks the smaller side and probes the
 * other through its index, so a product in a popular group and a customer with many refs are both
 * cheap unless they come together.
 */
export const ITEM_COUNT_SQL = `SELECT
    (SELECT COUNT(*) FROM rule_items WHERE kind = 'id' AND value IN (SELECT value FROM json_each(?1)))
  + (SELECT COUNT(*) FROM rule_items WHERE kind = 'group_id' AND value IN (SELECT value FROM json_each(?2))) AS n`;
export const HELD_COUNT_SQL = `SELECT (SELECT COUNT(*) FROM refs WHERE customer_id IN (SELECT value FROM json_each(?1)))
  + (SELECT COUNT(*) FROM refs WHERE kind = '*') AS n`;
/** The live refs of the customers and every live `*` ref. */
export const HELD_SQL = `SELECT rule_id, customer_id FROM refs
  WHERE customer_id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL
  UNION ALL
  SELECT rule_id, NULL FROM refs WHERE kind = '*' AND deleted_at IS NULL`;
/** The item ids and group ids that live rules among `rules` name. */
export const ITEMS_OF_SQL = `SELECT ri.kind, ri.value, ri.rule_id FROM rule_items ri JOIN rules ru ON ru.id = ri.rule_id
  WHERE ri.rule_id IN (SELECT value FROM json_each(?))
    AND ru.deleted_at IS NULL AND ru.active = 1 AND ru.purchase_from <= ? AND ru.purchase_to >= ?`;

type Row = SearchResult['data'][number];
/** A row before its rule is read: only the page's rules are. */
type Hit = Omit<Row, 'rule'> & { ruleId: string };
/** The sort key (and, encoded, the cursor) of a row. */
const keyOf = (h: Hit) => JSON.stringify([h.group_by, h.customer_id, h.group_value, h.ruleId]);

export class SearchIndex {
  constructor(
    private readonly sql: Sql,
    private readonly rule: (id: string) => Rule | undefined,
    private readonly limits: { examined: number; rows: number } = SEARCH_LIMITS,
  ) {}

  /** Called with every rule written (create, update): its rows replace the old ones. */
  index(rule: Rule): void {
    this.unindex(rule.id);
    if (rule.deleted_at) return;
    for (const item of rule.requirement.item?.items ?? []) {
      if (item.id !== undefined && !WILDCARD_IDS.has(item.id)) this.add('id', item.id, rule.id);
      if (item.group_id !== undefined) this.add('group_id', item.group_id, rule.id);
    }
  }

  unindex(ruleId: string): void {
    this.sql.exec('DELETE FROM rule_items WHERE rule_id = ?', ruleId);
  }

  private add(kind: Kind, value: string, ruleId: string) {
    this.sql.exec('INSERT OR IGNORE INTO rule_items (kind, value, rule_id) VALUES (?, ?, ?)', kind, value, ruleId);
  }

  search(input: SearchInput, q: SearchQuery, now = Date.now()): SearchResult {
    const includes = input.includes ?? DEFAULT_INCLUDES;
    const hits = new Map<string, Hit>();
    // The work is bounded (docs/search.md): index rows read, counted before they are read, and rows matched.
    let examined = 0;
    for (const entry of input.query) {
      const items = entry['$.requirement.item.items[*]'];
      const customers = [...new Set(entry.customer_id)];
      const wanted = { id: values(items.map((i) => i.id)), group_id: values(items.map((i) => i.group_id)) };
      const itemSide = this.count(ITEM_COUNT_SQL, wanted.id, wanted.group_id);
      const heldSide = this.count(HELD_COUNT_SQL, customers);
      examined += Math.min(itemSide, heldSide);
      if (examined > this.limits.examined)
        throw tooBroad(`Expected a search reading at most ${this.limits.examined} index rows`);
      const { byId, byGroup, held } =
        itemSide <= heldSide ? this.fromItems(wanted, customers, now) : this.fromHolders(wanted, customers, now);
      for (const customer of customers) {
        for (const item of items) {
          // The rules that touch this product: by its id or by its group.
          const touching = new Set([...(byId.get(item.id ?? '') ?? []), ...(byGroup.get(item.group_id ?? '') ?? [])]);
          for (const ruleId of touching) {
            if (!held.get(ruleId)?.has(customer) && !held.get(ruleId)?.has(null)) continue;
            for (const g of input.group_by) {
              const field: Kind = g.endsWith('.group_id') ? 'group_id' : 'id';
              const value = item[field];
              if (value === undefined) continue;
              const hit: Hit = {
                group_by: g.slice('customer_id#'.length) as Row['group_by'],
                group_value: value,
                customer_id: customer,
                ...(item.id !== undefined && { id: item.id }),
                ...(item.group_id !== undefined && { group_id: item.group_id }),
                ruleId,
              };
              hits.set(keyOf(hit), hit);
              if (hits.size > this.limits.rows)
                throw tooBroad(`Expected a search matching at most ${this.limits.rows} rows`);
            }
          }
        }
      }
    }
    const ordered = [...hits.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    let start = 0;
    if (q.starting_after !== undefined) {
      const after = decodeCursor(q.starting_after);
      start = ordered.findIndex(([k]) => k > after);
      if (start < 0) start = ordered.length;
    }
    const page = ordered.slice(start, start + q.limit);
    const more = start + q.limit < ordered.length;
    const data = page.map(([, { ruleId, ...hit }]) => ({ ...hit, rule: pick(this.rule(ruleId)!, includes) }));
    return { ...(more && page.length && { starting_after: encodeCursor(page.at(-1)![0]) }), data };
  }

  private count(sql: string, ...lists: unknown[]): number {
    return all<{ n: number }>(this.sql, sql, ...lists.map((l) => JSON.stringify(l)))[0]?.n ?? 0;
  }

  /** Item side first: the live rules naming the products, then which of them the customers hold. */
  private fromItems(wanted: Record<Kind, string[]>, customers: string[], now: number): Found {
    const byId = new Map<string, string[]>();
    const byGroup = new Map<string, string[]>();
    for (const [kind, map] of [
      ['id', byId],
      ['group_id', byGroup],
    ] as const) {
      if (!wanted[kind].length) continue;
      for (const r of all<Candidate>(this.sql, CANDIDATES_SQL, kind, JSON.stringify(wanted[kind]), now, now)) {
        map.set(r.value, [...(map.get(r.value) ?? []), r.rule_id]);
      }
    }
    const rules = JSON.stringify([...new Set([...byId.values(), ...byGroup.values()].flat())]);
    return { byId, byGroup, held: holderMap(all(this.sql, HOLDERS_SQL, rules, JSON.stringify(customers), rules)) };
  }

  /** Customer side first: the rules the customers hold (own and `*` refs), then the products they name. */
  private fromHolders(wanted: Record<Kind, string[]>, customers: string[], now: number): Found {
    const held = holderMap(all(this.sql, HELD_SQL, JSON.stringify(customers)));
    const byId = new Map<string, string[]>();
    const byGroup = new Map<string, string[]>();
    const ids = new Set(wanted.id);
    const groups = new Set(wanted.group_id);
    for (const r of all<Candidate & { kind: Kind }>(
      this.sql,
      ITEMS_OF_SQL,
      JSON.stringify([...held.keys()]),
      now,
      now,
    )) {
      const [map, set] = r.kind === 'id' ? [byId, ids] : [byGroup, groups];
      if (set.has(r.value)) map.set(r.value, [...(map.get(r.value) ?? []), r.rule_id]);
    }
    return { byId, byGroup, held };
  }
}

/** A search whose work would pass a bound: 400 naming `query` (narrow it: fewer customers or items). */
const tooBroad = (message: string) =>
  invalid('The search is too broad', [{ field: 'query', code: 'too_broad', message }]);

type Candidate = { value: string; rule_id: string };
interface Found {
  byId: Map<string, string[]>;
  byGroup: Map<string, string[]>;
  /** rule id → the customers holding it (null: everyone, through a `*` ref). */
  held: Map<string, Set<string | null>>;
}

const values = (xs: (string | undefined)[]) => [...new Set(xs.filter((x): x is string => x !== undefined))];

function holderMap(rows: { rule_id: string; customer_id: string | null }[]): Map<string, Set<string | null>> {
  const out = new Map<string, Set<string | null>>();
  for (const r of rows) {
    if (!out.has(r.rule_id)) out.set(r.rule_id, new Set());
    out.get(r.rule_id)!.add(r.customer_id);
  }
  return out;
}

function pick(rule: Rule, includes: readonly string[]): Record<string, unknown> {
  const body = rule as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const path of includes) {
    const key = path.slice(2);
    if (body[key] !== undefined) out[key] = body[key];
  }
  return out;
}

// The cursor is the last row's sort key; opaque to clients (base64url of UTF-8), checked when read back.
const encodeCursor = (key: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(key)))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replaceAll('=', '');
function decodeCursor(cursor: string): string {
  try {
    const bytes = Uint8Array.from(atob(cursor.replaceAll('-', '+').replaceAll('_', '/')), (ch) => ch.charCodeAt(0));
    const key = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    const parsed = JSON.parse(key) as unknown;
    if (Array.isArray(parsed) && parsed.length === 4 && parsed.every((x) => typeof x === 'string')) return key;
  } catch {
    // falls through to the 400 below
  }
  throw invalid('starting_after is not a cursor this search answered', [
    { field: 'starting_after', code: 'cursor', message: 'Expected the starting_after of a previous answer' },
  ]);
}
