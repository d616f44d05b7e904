import { invalid, notFound, refused } from '../errors';
import {
  CODE_ALPHABET,
  GENERATED_LENGTH,
  MAX_CODES_PER_RULE,
  type CodeListQuery,
  type CodesCreate,
  type PoolCode,
} from '../schemas/codes';
import { iso } from '../time';
import { bumpContentVersion, type Migration } from './migrations';
import type { PoolCodes } from '../engine/match';
import { all, one, run, Where, type Sql } from './sql';

/**
 * Code pools (docs/codes.md): a rule's unique codes, each with its own number of uses. A rule has
 * a pool from the first code added to it on; from then on it applies only to purchases that name
 * one of its codes with a use left, and a claim of it takes one use of the code it names.
 */
export const codeMigrations: Migration[] = [
  {
    id: 'codes/001',
    statements: [
      // The pool's existence (a rule with a pool needs a code even when every code was deleted)
      // and its size, so the limit per rule is checked without counting a million rows.
      `CREATE TABLE code_pools (
        rule_id TEXT PRIMARY KEY,
        codes INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID`,
      // One row per code; the primary key pages a rule's codes in code order, the index finds a
      // receipt's code in every pool.
      `CREATE TABLE pool_codes (
        rule_id TEXT NOT NULL,
        code TEXT NOT NULL,
        usage INTEGER NOT NULL,
        used INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        PRIMARY KEY (rule_id, code)
      ) WITHOUT ROWID`,
      'CREATE INDEX pool_codes_by_code ON pool_codes (code)',
      // Which use of which code a claim (or a recorded receipt) took, so a release gives back
      // exactly that use, once.
      `CREATE TABLE code_uses (
        source TEXT NOT NULL,
        source_ref TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        code TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        released_at INTEGER
      )`,
      'CREATE INDEX code_uses_by_source ON code_uses (source_ref, source)',
    ],
  },
];

/** Codes of a receipt looked up in the pools; later ones are ignored (docs/codes.md, "Limits"). */
export const MAX_RECEIPT_CODES = 20;

interface CodeRow {
  code: string;
  usage: number;
  used: number;
  created_at: number;
  last_used_at: number | null;
}

const toCode = (r: CodeRow): PoolCode => ({
  code: r.code,
  usage: r.usage,
  used: r.used,
  created_at: iso(r.created_at),
  last_used_at: r.last_used_at === null ? null : iso(r.last_used_at),
});

/** What a receipt's codes found: per pool rule the code it takes (null: none with a use left). */
export interface PoolMatch {
  /** Undefined when the account has no pool. */
  byRule: PoolCodes | undefined;
  /** Codes of the receipt found in no pool at all. */
  unknown: string[];
}

/** One random code: `length` characters of CODE_ALPHABET, without modulo bias. */
export function randomCode(length = GENERATED_LENGTH): string {
  const n = CODE_ALPHABET.length;
  const limit = 256 - (256 % n);
  let out = '';
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < limit && out.length < length) out += CODE_ALPHABET[byte % n];
    }
  }
  return out;
}

export class CodePoolStore {
  /** Ids of the rules that have a pool; kept in memory, dropped when a pool is created. */
  private pools: Set<string> | undefined;

  constructor(private readonly sql: Sql) {}

  /** Whether the rule has a pool (it has had codes). */
  isPool(ruleId: string): boolean {
    return this.poolIds().has(ruleId);
  }

  poolIds(): Set<string> {
    this.pools ??= new Set(all<{ rule_id: string }>(this.sql, 'SELECT rule_id FROM code_pools').map((r) => r.rule_id));
    return this.pools;
  }

  /**
   * Generates or imports codes, in the caller's transaction. Codes already in the pool are left
   * as they are and not answered; generated ones are drawn again until `count` new ones exist.
   */
  add(ruleId: string, input: CodesCreate, now = Date.now()): { created: number; codes: string[] } {
    const pool = one<{ codes: number }>(this.sql, 'SELECT codes FROM code_pools WHERE rule_id = ?', ruleId);
    const wanted = 'count' in input ? input.count : new Set(input.codes).size;
    if ((pool?.codes ?? 0) + wanted > MAX_CODES_PER_RULE) {
      throw invalid(`A rule's pool holds at most ${MAX_CODES_PER_RULE} codes`, [
        {
          field: 'count' in input ? 'count' : 'codes',
          code: 'pool_full',
          message: `The pool holds ${pool?.codes ?? 0} codes; at most ${MAX_CODES_PER_RULE}`,
        },
      ]);
    }
    const insert = (code: string) =>
      run(
        this.sql,
        'INSERT INTO pool_codes (rule_id, code, usage, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
        ruleId,
        code,
        input.usage,
        now,
      ) > 0;
    const created: string[] = [];
    if ('count' in input) {
      while (created.length < input.count) {
        const code = `${input.prefix}${randomCode()}`;
        if (insert(code)) created.push(code);
      }
    } else {
      for (const code of new Set(input.codes)) if (insert(code)) created.push(code);
    }
    // A new pool makes the rule need a code: the public offers list says so (`requires_code`).
    if (!pool) bumpContentVersion(this.sql);
    this.sql.exec(
      'INSERT INTO code_pools (rule_id, codes, created_at) VALUES (?, ?, ?) ' +
        'ON CONFLICT (rule_id) DO UPDATE SET codes = codes + excluded.codes',
      ruleId,
      created.length,
      now,
    );
    this.pools = undefined;
    return { created: created.length, codes: created };
  }

  list(ruleId: string, q: CodeListQuery): PoolCode[] {
    const where = new Where().add('rule_id = ?', ruleId);
    if (q.state === 'available') where.add('used < usage');
    if (q.state === 'used') where.add('used > 0');
    if (q.starting_after !== undefined) where.add('code > ?', q.starting_after);
    return all<CodeRow>(
      this.sql,
      `SELECT code, usage, used, created_at, last_used_at FROM pool_codes ${where} ORDER BY code LIMIT ?`,
      ...where.args,
      q.limit,
    ).map(toCode);
  }

  /** Deletes one code (its uses by claims stay in their claims); answers it as it was. */
  remove(ruleId: string, code: string): PoolCode {
    const row = one<CodeRow>(
      this.sql,
      'SELECT code, usage, used, created_at, last_used_at FROM pool_codes WHERE rule_id = ? AND code = ?',
      ruleId,
      code,
    );
    if (!row) throw notFound('Code');
    this.sql.exec('DELETE FROM pool_codes WHERE rule_id = ? AND code = ?', ruleId, code);
    this.sql.exec('UPDATE code_pools SET codes = codes - 1 WHERE rule_id = ?', ruleId);
    return toCode(row);
  }

  /**
   * The receipt's codes (the first MAX_RECEIPT_CODES distinct ones) against every pool: per pool
   * rule the first code in the receipt's order that still has a use, else null.
   */
  match(receiptCodes: readonly string[] | undefined): PoolMatch {
    const pools = this.poolIds();
    const codes = [...new Set(receiptCodes ?? [])].slice(0, MAX_RECEIPT_CODES);
    if (pools.size === 0) return { byRule: undefined, unknown: codes };
    // Only the rules a code was found for: the rest of the pools answer null through `pools`, so
    // a receipt costs its codes' lookups, not a walk of every pool of the account.
    const found = new Map<string, string>();
    const unknown: string[] = [];
    for (const code of codes) {
      const rows = all<{ rule_id: string; left: number }>(
        this.sql,
        'SELECT rule_id, usage - used AS left FROM pool_codes WHERE code = ?',
        code,
      );
      if (rows.length === 0) unknown.push(code);
      for (const r of rows) if (r.left > 0 && pools.has(r.rule_id) && !found.has(r.rule_id)) found.set(r.rule_id, code);
    }
    return { byRule: { get: (id) => found.get(id) ?? (pools.has(id) ? null : undefined) }, unknown };
  }

  /**
   * Takes one use of `code` for a purchase of a pool rule, in the caller's transaction, and
   * remembers it under (source, sourceRef) for the release. Throws a refusal naming `field` when
   * the rule needs a code and has none, the code is not in its pool or has no use left.
   */
  take(
    ruleId: string,
    code: string | undefined,
    use: { source: 'claim' | 'receipt'; sourceRef: string; field: string },
    now = Date.now(),
  ): void {
    const refuse = (why: string, message: string) =>
      refused('This claim cannot be committed', [{ field: use.field, code: why, message }]);
    if (!this.isPool(ruleId)) {
      if (code !== undefined) throw refuse('no_code_pool', 'The discount has no code pool');
      return;
    }
    if (code === undefined) throw refuse('code_required', 'The discount applies only with one of its codes');
    const taken = run(
      this.sql,
      'UPDATE pool_codes SET used = used + 1, last_used_at = ? WHERE rule_id = ? AND code = ? AND used < usage',
      now,
      ruleId,
      code,
    );
    if (taken === 0) {
      const known = one(this.sql, 'SELECT 1 AS found FROM pool_codes WHERE rule_id = ? AND code = ?', ruleId, code);
      if (!known) throw refuse('unknown_code', 'The code is not one of the discount’s codes');
      throw refuse('code_used_up', 'The code has no uses left');
    }
    this.sql.exec(
      'INSERT INTO code_uses (source, source_ref, rule_id, code, created_at) VALUES (?, ?, ?, ?, ?)',
      use.source,
      use.sourceRef,
      ruleId,
      code,
      now,
    );
  }

  /** Gives back every use the source took and has not given back; a deleted code gets nothing. */
  release(source: 'claim' | 'receipt', sourceRef: string, now = Date.now()): void {
    const uses = all<{ rule_id: string; code: string }>(
      this.sql,
      'SELECT rule_id, code FROM code_uses WHERE source = ? AND source_ref = ? AND released_at IS NULL',
      source,
      sourceRef,
    );
    for (const u of uses) {
      this.sql.exec(
        'UPDATE pool_codes SET used = used - 1 WHERE rule_id = ? AND code = ? AND used > 0',
        u.rule_id,
        u.code,
      );
    }
    if (uses.length) {
      this.sql.exec(
        'UPDATE code_uses SET released_at = ? WHERE source = ? AND source_ref = ? AND released_at IS NULL',
        now,
        source,
        sourceRef,
      );
    }
  }
}
