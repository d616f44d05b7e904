import { conflict, invalid, notFound, refused, validationError } from '../errors';
import {
  deriveType,
  ruleCreateSchema,
  type Rule,
  type RuleInput,
  type RuleListQuery,
  type RuleStatistics,
  type RuleUpdate,
} from '../schemas/rule';
import { DAY_MS } from '../engine/usability';
import { canonicalTime } from '../time';
import { canonicalJson } from '../json';
import { parse } from '../schemas/parse';
import { bumpContentVersion, type Migration } from './migrations';
import { softDeleteBody } from './soft-delete';
import { all, one, paging, Where, type Sql } from './sql';

/** Largest rule as JSON (docs/security.md): rules stay compiled in the account object's memory. */
export const MAX_RULE_BYTES = 64 * 1024;

function keepSmall(rule: Rule): void {
  if (new TextEncoder().encode(JSON.stringify(rule)).byteLength > MAX_RULE_BYTES) {
    throw validationError([
      { field: '(body)', code: 'too_large', message: `Expected a rule of at most ${MAX_RULE_BYTES} bytes as JSON` },
    ]);
  }
}

/**
 * Counters stay exact integers (docs/security.md): a write that would carry one past 2^53 - 1,
 * where JavaScript numbers stop counting by one, is refused whole (the transaction rolls back).
 */
export function keepExact(largest: number): void {
  if (largest > Number.MAX_SAFE_INTEGER) {
    throw refused('A counter would pass 9007199254740991 and stop being exact', [
      { field: 'amount', code: 'counter_limit', message: 'Expected counters to stay at most 9007199254740991' },
    ]);
  }
}

export const ruleMigrations: Migration[] = [
  {
    id: 'rules/001',
    statements: [
      `CREATE TABLE rules (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        campaign_id TEXT,
        active INTEGER NOT NULL,
        private INTEGER NOT NULL,
        purchase_from INTEGER NOT NULL,
        purchase_to INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        deleted_at INTEGER,
        stat_stamp INTEGER NOT NULL DEFAULT 0,
        stat_usage INTEGER NOT NULL DEFAULT 0,
        stat_amount INTEGER NOT NULL DEFAULT 0,
        stat_debit_balance INTEGER NOT NULL DEFAULT 0
      )`,
      'CREATE INDEX rules_by_updated ON rules (updated_at, seq)',
      'CREATE INDEX rules_by_campaign ON rules (campaign_id, seq)',
      'CREATE INDEX rules_by_window ON rules (purchase_to, purchase_from)',
    ],
  },
];

interface RuleRow {
  seq: number;
  body: string;
  stat_stamp: number;
  stat_usage: number;
  stat_amount: number;
  stat_debit_balance: number;
}

const COLUMNS = 'seq, body, stat_stamp, stat_usage, stat_amount, stat_debit_balance';

function statisticsOf(row: RuleRow): RuleStatistics {
  return {
    stamp: row.stat_stamp,
    usage: row.stat_usage,
    used: row.stat_usage,
    amount: row.stat_amount,
    debit_balance: row.stat_debit_balance,
  };
}

function toRule(row: RuleRow, withStatistics: boolean): Rule {
  const rule = JSON.parse(row.body) as Rule;
  return withStatistics ? { ...rule, statistics: statisticsOf(row) } : rule;
}

/** Drops server-owned fields a client may have echoed back from a GET. */
function editableFields(input: RuleInput | RuleUpdate) {
  const { id, type, created_at, created_by, updated_at, updated_by, deleted_at, deleted_by, statistics, ...rest } =
    input;
  // `budget` (used and left) is answered by GET, never stored (docs/budgets.md).
  const { budget: _budget, ...editable } = rest;
  return editable;
}

function withoutNulls<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}

/** What one write adds to a rule's statistics counters (negative to take off). */
export interface StatisticsDelta {
  usage?: number;
  amount?: number;
  stamp?: number;
  debitBalance?: number;
}

export class RuleStore {
  /**
   * Rule bodies read by refs, the ledger, claims and checkout: the one cache of them, for one RPC
   * call. The account object empties it at the start of every call and transaction (`fresh()`,
   * account.ts), and this store's writes drop the rule they change; a body may also change under
   * other paths (the cleanup's purge, a rolled-back transaction), which a per-call cache survives.
   */
  private readonly bodies = new Map<string, Rule>();

  constructor(private readonly sql: Sql) {}

  fresh(): void {
    this.bodies.clear();
  }

  /** The stored rule (deleted and archived ones too), without statistics; undefined if never made. */
  body(id: string): Rule | undefined {
    let rule = this.bodies.get(id);
    if (!rule) {
      const row = one<{ body: string }>(this.sql, 'SELECT body FROM rules WHERE id = ?', id);
      if (!row) return undefined;
      rule = JSON.parse(row.body) as Rule;
      this.bodies.set(id, rule);
    }
    return rule;
  }

  /**
   * The one writer of the statistics counters (refs, the ledger and the stamp cleanup call it),
   * in the caller's transaction. `debitBalance` sums the live refs' balances.
   */
  addStatistics(id: string, d: StatisticsDelta): void {
    const row = one<{ m: number }>(
      this.sql,
      `UPDATE rules SET stat_usage = stat_usage + ?, stat_amount = stat_amount + ?, stat_stamp = stat_stamp + ?,
         stat_debit_balance = stat_debit_balance + ? WHERE id = ?
       RETURNING MAX(ABS(stat_usage), ABS(stat_amount), ABS(stat_stamp), ABS(stat_debit_balance)) AS m`,
      d.usage ?? 0,
      d.amount ?? 0,
      d.stamp ?? 0,
      d.debitBalance ?? 0,
      id,
    );
    keepExact(row?.m ?? 0);
  }

  create(input: RuleInput, actor: string, id: string): Rule {
    const now = new Date().toISOString();
    const fields = withoutNulls(editableFields(input));
    const rule: Rule = {
      id,
      ...fields,
      type: deriveType(input.requirement),
      active: input.active ?? true,
      private: input.private ?? false,
      created_at: now,
      created_by: actor,
      updated_at: now,
      updated_by: actor,
    } as Rule;
    keepSmall(rule);
    this.sql.exec(
      `INSERT INTO rules (id, body, campaign_id, active, private, purchase_from, purchase_to, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      JSON.stringify(rule),
      rule.campaign_id ?? null,
      rule.active ? 1 : 0,
      rule.private ? 1 : 0,
      Date.parse(rule.requirement.purchase_from),
      Date.parse(rule.requirement.purchase_to),
      Date.parse(now),
      Date.parse(now),
    );
    bumpContentVersion(this.sql);
    this.bodies.delete(id);
    return rule;
  }

  get(id: string, withStatistics = false): Rule {
    const row = one<RuleRow>(this.sql, `SELECT ${COLUMNS} FROM rules WHERE id = ?`, id);
    if (!row) throw notFound('Discount rule');
    return toRule(row, withStatistics);
  }

  exists(id: string): boolean {
    return one(this.sql, 'SELECT 1 AS found FROM rules WHERE id = ?', id) !== undefined;
  }

  /** Every rule that is not deleted nor archived by the cleanup (docs/maintenance.md): what the engine compiles. */
  liveRules(): Rule[] {
    return all<{ body: string }>(
      this.sql,
      'SELECT body FROM rules WHERE deleted_at IS NULL AND archived_at IS NULL ORDER BY seq',
    ).map((r) => JSON.parse(r.body) as Rule);
  }

  /** Rule `id` as `liveRules` would list it, or undefined when it is deleted, archived or unknown. */
  liveRule(id: string): Rule | undefined {
    const row = one<{ body: string }>(
      this.sql,
      'SELECT body FROM rules WHERE id = ? AND deleted_at IS NULL AND archived_at IS NULL',
      id,
    );
    return row ? (JSON.parse(row.body) as Rule) : undefined;
  }

  list(q: RuleListQuery, now = Date.now()): { rules: Rule[]; total?: number } {
    const where = new Where();
    if (q.purchase_from) where.add('purchase_from >= ?', Date.parse(q.purchase_from));
    if (q.purchase_to) where.add('purchase_to <= ?', Date.parse(q.purchase_to));
    if (q.campaign_id?.length)
      where.add(`campaign_id IN (${q.campaign_id.map(() => '?').join(',')})`, ...q.campaign_id);
    switch (q.state) {
      case 'active':
        where.add('deleted_at IS NULL AND purchase_from <= ? AND purchase_to >= ?', now, now);
        break;
      case 'scheduled':
        where.add('deleted_at IS NULL AND purchase_from > ?', now);
        break;
      case 'completed':
        where.add('deleted_at IS NULL AND purchase_to < ?', now);
        break;
      case 'available':
        where.add('deleted_at IS NULL AND active = 1 AND purchase_from <= ? AND purchase_to >= ?', now, now);
        break;
      case 'deleted':
        where.add('deleted_at IS NOT NULL');
        break;
      case 'inactive':
        where.add('deleted_at IS NULL AND active = 0');
        break;
    }
    const total = q.total
      ? this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM rules ${where}`, ...where.args).one().n
      : undefined;

    const order = paging(this.sql, where, q, { table: 'rules', what: 'discount rule' });
    const rows = all<RuleRow>(
      this.sql,
      `SELECT ${COLUMNS} FROM rules ${where} ORDER BY ${order} LIMIT ?`,
      ...where.args,
      q.limit,
    );
    const withStatistics = q.include?.includes('statistics') ?? false;
    return { rules: rows.map((r) => toRule(r, withStatistics)), total };
  }

  update(id: string, patch: RuleUpdate, actor: string, expireStamps = false): Rule {
    const current = this.get(id);
    if (current.deleted_at) throw invalid('A deleted discount rule cannot be updated');
    const { requirement: reqPatch, reward: rewardPatch, ...rest } = editableFields(patch);
    const requirement = { ...current.requirement, ...(reqPatch ?? {}) };
    const reward = { ...current.reward, ...(rewardPatch ?? {}) };

    const errors = [];
    if (canonicalOrRaw(requirement.purchase_from) !== current.requirement.purchase_from) {
      errors.push({ field: 'requirement.purchase_from', code: 'immutable', message: 'purchase_from cannot change' });
    }
    if (
      typeof requirement.purchase_to === 'string' &&
      Date.parse(requirement.purchase_to) < Date.parse(current.requirement.purchase_to)
    ) {
      errors.push({ field: 'requirement.purchase_to', code: 'earlier', message: 'purchase_to may only move later' });
    }
    const { base: _newBase, ...rewardRest } = reward;
    const { base: _oldBase, ...currentRewardRest } = current.reward;
    if (canonicalJson(rewardRest) !== canonicalJson(currentRewardRest)) {
      errors.push({ field: 'reward', code: 'immutable', message: 'reward cannot change, except reward.base' });
    }
    if (errors.length) throw invalid('This update is not allowed', errors);

    const {
      id: _i,
      type: _t,
      created_at: _c,
      created_by: _cb,
      updated_at: _u,
      updated_by: _ub,
      statistics: _s,
      ...kept
    } = current;
    const merged = { ...kept, ...rest, requirement, reward };
    // The merged rule must still be a valid rule as a whole (e.g. purchase_to after purchase_from).
    const valid = parse(ruleCreateSchema, merged);
    const now = new Date().toISOString();
    const rule = withoutNulls({
      ...editableFields(valid),
      id,
      type: deriveType(valid.requirement),
      active: valid.active ?? true,
      private: valid.private ?? false,
      created_at: current.created_at,
      created_by: current.created_by,
      updated_at: now,
      updated_by: actor,
    }) as Rule;
    keepSmall(rule);
    if (!expireStamps) this.keepStamps(current, rule, Date.parse(now));
    this.sql.exec(
      `UPDATE rules SET body = ?, campaign_id = ?, active = ?, private = ?, purchase_to = ?, ` +
        `updated_at = ? WHERE id = ?`,
      JSON.stringify(rule),
      rule.campaign_id ?? null,
      rule.active ? 1 : 0,
      rule.private ? 1 : 0,
      Date.parse(rule.requirement.purchase_to),
      Date.parse(now),
      id,
    );
    bumpContentVersion(this.sql);
    this.bodies.delete(id);
    // Dintero answers an update as `Discount & Statistics`.
    return this.get(id, true);
  }

  /**
   * Stamps expire by the rule's current `stamp_expire_days`, and the hourly cleanup takes expired
   * ones off for good. So a change that would expire unspent stamps at once (a shorter limit, or
   * one where there was none) is a 409 unless the caller says `expire_stamps=true`.
   */
  private keepStamps(before: Rule, after: Rule, now: number): void {
    const days = after.limitation?.stamp_expire_days ?? -1;
    const was = before.limitation?.stamp_expire_days ?? -1;
    if (days < 1 || (was >= 1 && days >= was)) return;
    const oldest = one<{ t: number | null }>(
      this.sql,
      `SELECT MIN(purchase_at) AS t FROM ref_usages
       WHERE rule_id = ? AND stamp > spent AND released_at IS NULL AND expired_at IS NULL`,
      after.id,
    )?.t;
    if (oldest === null || oldest === undefined || oldest >= now - days * DAY_MS) return;
    throw conflict(
      `Unspent stamps from ${new Date(oldest).toISOString()} would expire at once; ` +
        'send expire_stamps=true to shorten stamp_expire_days anyway',
      [
        {
          field: 'limitation.stamp_expire_days',
          code: 'expires_stamps',
          message: `Expected at least ${Math.ceil((now - oldest) / DAY_MS)} days, or expire_stamps=true`,
        },
      ],
    );
  }

  /** Soft delete; deleting again returns the rule as it was deleted. */
  delete(id: string, actor: string): Rule {
    const current = this.get(id);
    if (!current.deleted_at) softDeleteBody(this.sql, 'rules', 'id', id, current, actor);
    this.bodies.delete(id);
    return this.get(id, true);
  }
}

function canonicalOrRaw(x: unknown): unknown {
  return typeof x === 'string' && !Number.isNaN(Date.parse(x)) ? canonicalTime(x) : x;
}
