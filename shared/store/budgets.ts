import type { BudgetLeft, BudgetsLeft } from '../engine/budgets';
import { refused } from '../errors';
import type { BudgetStatus } from '../schemas/budget';
import type { Rule } from '../schemas/rule';
import type { Migration } from './migrations';
import { all, type Sql } from './sql';

/**
 * Budgets (docs/budgets.md): `limitation.budget_amount` / `budget_usage` of a rule, and of a
 * campaign for all its rules together. `budget_usage` holds what each budget has used;
 * `budget_takes` what each claim or recorded receipt took from it, so a release gives back exactly
 * that (even after the rule moved to another campaign). Written in the claim's transaction only.
 */
export const budgetMigrations: Migration[] = [
  {
    id: 'budgets/001',
    statements: [
      `CREATE TABLE budget_usage (
        key TEXT PRIMARY KEY,
        amount INTEGER NOT NULL,
        purchases INTEGER NOT NULL
      ) WITHOUT ROWID`,
      `CREATE TABLE budget_takes (
        source TEXT NOT NULL,
        source_ref TEXT NOT NULL,
        key TEXT NOT NULL,
        amount INTEGER NOT NULL,
        purchases INTEGER NOT NULL,
        released_at INTEGER,
        PRIMARY KEY (source, source_ref, key)
      ) WITHOUT ROWID`,
    ],
  },
];

interface Caps {
  budget_amount?: number;
  budget_usage?: number;
}

/** What budgets read of a rule: a stored rule, or the one the evaluator holds compiled. */
export interface BudgetRule {
  id: string;
  campaign_id?: string;
  limitation?: Caps;
}

/** One budget a rule draws on, with its limits (a negative limit is no limit). */
interface Pool {
  key: string;
  field: BudgetLeft['field'];
  caps: Caps;
}

/** What a claim or receipt takes from one rule's budgets; `field` names the claim's ref for a refusal. */
export interface BudgetEntry {
  ruleId: string;
  /** discount plus bonus */
  amount: number;
  usage: number;
  field: string;
}

export const ruleBudgetKey = (ruleId: string) => `rule:${ruleId}`;
export const campaignBudgetKey = (campaignId: string) => `campaign:${campaignId}`;

const capped = (n: number | undefined): n is number => n !== undefined && n >= 0;
const hasBudget = (c: Caps | undefined): c is Caps => capped(c?.budget_amount) || capped(c?.budget_usage);

export class BudgetStore {
  /**
   * Campaign budgets by campaign_id (undefined: none), read for the rules a call asks about, so an
   * evaluation reads its own rules' campaigns, not every campaign (emptied by `fresh`).
   */
  private readonly campaigns = new Map<string, Caps | undefined>();

  constructor(
    private readonly sql: Sql,
    private readonly rule: (id: string) => BudgetRule | undefined,
  ) {}

  fresh(): void {
    this.campaigns.clear();
  }

  /** Reads the campaigns not read yet in one statement, whatever their number (docs/storage.md). */
  private readCampaigns(campaignIds: Iterable<string>): void {
    const missing = [...new Set(campaignIds)].filter((id) => !this.campaigns.has(id));
    if (missing.length === 0) return;
    for (const id of missing) this.campaigns.set(id, undefined);
    // A deleted campaign keeps capping its rules: deleting it must not hand out more.
    const rows = all<{ campaign_id: string; limitation: string | null }>(
      this.sql,
      `SELECT campaign_id, json_extract(body, '$.limitation') AS limitation FROM campaigns
       WHERE campaign_id IN (SELECT value FROM json_each(?))`,
      JSON.stringify(missing),
    );
    for (const row of rows) if (row.limitation) this.campaigns.set(row.campaign_id, JSON.parse(row.limitation) as Caps);
  }

  private campaignCaps(campaignId: string): Caps | undefined {
    this.readCampaigns([campaignId]);
    return this.campaigns.get(campaignId);
  }

  private pools(rule: BudgetRule): Pool[] {
    const out: Pool[] = [];
    if (hasBudget(rule.limitation))
      out.push({ key: ruleBudgetKey(rule.id), field: 'limitation', caps: rule.limitation });
    const campaign = rule.campaign_id === undefined ? undefined : this.campaignCaps(rule.campaign_id);
    if (rule.campaign_id !== undefined && hasBudget(campaign))
      out.push({ key: campaignBudgetKey(rule.campaign_id), field: 'campaign.limitation', caps: campaign });
    return out;
  }

  private used(keys: readonly string[]): Map<string, { amount: number; purchases: number }> {
    if (keys.length === 0) return new Map();
    const rows = all<{ key: string; amount: number; purchases: number }>(
      this.sql,
      `SELECT key, amount, purchases FROM budget_usage WHERE key IN (${keys.map(() => '?').join(',')})`,
      ...keys,
    );
    return new Map(rows.map((r) => [r.key, r]));
  }

  /**
   * What is left of the budgets of these rules, for the engine; undefined when none has one.
   * `ruleOf`: the evaluator's rules in memory, so the hot path reads no rule body from storage.
   */
  left(ruleIds: Iterable<string>, ruleOf: (id: string) => BudgetRule | undefined = this.rule): BudgetsLeft | undefined {
    const byRule = new Map<string, Pool[]>();
    const rules = [...ruleIds].map((id) => [id, ruleOf(id)] as const);
    this.readCampaigns(rules.flatMap(([, r]) => (r?.campaign_id === undefined ? [] : [r.campaign_id])));
    for (const [id, rule] of rules) {
      const pools = rule ? this.pools(rule) : [];
      if (pools.length) byRule.set(id, pools);
    }
    if (byRule.size === 0) return undefined;
    const used = this.used([...new Set([...byRule.values()].flat().map((p) => p.key))]);
    const out = new Map<string, BudgetLeft[]>();
    for (const [id, pools] of byRule) {
      out.set(
        id,
        pools.map((p) => {
          const u = used.get(p.key);
          const { budget_amount: amount, budget_usage: usage } = p.caps;
          return {
            key: p.key,
            field: p.field,
            ...(capped(amount) && { amount: amount - (u?.amount ?? 0) }),
            ...(capped(usage) && { usage: usage - (u?.purchases ?? 0) }),
          };
        }),
      );
    }
    return out;
  }

  /**
   * Takes a claim's (or recorded receipt's) amounts from its rules' budgets, or throws a refusal
   * naming the first ref that would pass one, which rolls the caller's transaction back. A purchase
   * counts once against each budget however many of its refs draw on it.
   */
  take(source: string, sourceRef: string, entries: readonly BudgetEntry[]): void {
    const takes = new Map<string, { pool: Pool; amount: number; purchases: number }>();
    const check: { entry: BudgetEntry; pool: Pool }[] = [];
    for (const entry of entries) {
      const rule = this.rule(entry.ruleId);
      if (!rule) continue;
      for (const pool of this.pools(rule)) {
        const t = takes.get(pool.key) ?? { pool, amount: 0, purchases: 0 };
        t.amount += entry.amount;
        if (entry.usage > 0) t.purchases = 1;
        takes.set(pool.key, t);
        check.push({ entry, pool });
      }
    }
    if (takes.size === 0) return;
    const used = this.used([...takes.keys()]);
    // Walk the refs in order, so the refusal names the first one that passes a budget.
    const running = new Map<string, { amount: number; purchases: number }>();
    for (const { entry, pool } of check) {
      const u = used.get(pool.key) ?? { amount: 0, purchases: 0 };
      const r = running.get(pool.key) ?? { amount: u.amount, purchases: u.purchases };
      r.amount += entry.amount;
      if (entry.usage > 0 && r.purchases === u.purchases) r.purchases += 1;
      running.set(pool.key, r);
      const whose = pool.field === 'limitation' ? "The discount's" : "The discount's campaign's";
      const { budget_amount: amount, budget_usage: usage } = pool.caps;
      if (capped(usage) && r.purchases > usage)
        throw refused('This claim cannot be committed', [
          { field: `${entry.field}.usage`, code: 'budget_usage', message: `${whose} budget_usage is used up` },
        ]);
      if (capped(amount) && entry.amount > 0 && r.amount > amount)
        throw refused('This claim cannot be committed', [
          {
            field: `${entry.field}.amount`,
            code: 'budget_amount',
            message: `${whose} budget_amount has ${Math.max(amount - (r.amount - entry.amount), 0)} left`,
          },
        ]);
    }
    for (const [key, t] of takes) {
      this.sql.exec(
        'INSERT INTO budget_usage (key, amount, purchases) VALUES (?, ?, ?) ' +
          'ON CONFLICT (key) DO UPDATE SET amount = amount + excluded.amount, ' +
          'purchases = purchases + excluded.purchases',
        key,
        t.amount,
        t.purchases,
      );
      this.sql.exec(
        'INSERT INTO budget_takes (source, source_ref, key, amount, purchases) VALUES (?, ?, ?, ?, ?)',
        source,
        sourceRef,
        key,
        t.amount,
        t.purchases,
      );
    }
  }

  /** Gives back exactly what `take` took for this source; again changes nothing. */
  giveBack(source: string, sourceRef: string, now = Date.now()): void {
    const rows = all<{ key: string; amount: number; purchases: number }>(
      this.sql,
      'SELECT key, amount, purchases FROM budget_takes WHERE source = ? AND source_ref = ? AND released_at IS NULL',
      source,
      sourceRef,
    );
    for (const t of rows) {
      this.sql.exec(
        'UPDATE budget_usage SET amount = amount - ?, purchases = purchases - ? WHERE key = ?',
        t.amount,
        t.purchases,
        t.key,
      );
    }
    if (rows.length)
      this.sql.exec(
        'UPDATE budget_takes SET released_at = ? WHERE source = ? AND source_ref = ? AND released_at IS NULL',
        now,
        source,
        sourceRef,
      );
  }

  private status(key: string, caps: Caps | undefined): BudgetStatus | undefined {
    if (!hasBudget(caps)) return undefined;
    const u = this.used([key]).get(key) ?? { amount: 0, purchases: 0 };
    const figure = (limit: number, used: number) => ({ limit, used, left: Math.max(limit - used, 0) });
    return {
      ...(capped(caps.budget_amount) && { amount: figure(caps.budget_amount, u.amount) }),
      ...(capped(caps.budget_usage) && { usage: figure(caps.budget_usage, u.purchases) }),
    };
  }

  /** The rule's own budget, used and left; undefined when it has none. */
  ruleStatus(rule: Rule): BudgetStatus | undefined {
    return this.status(ruleBudgetKey(rule.id), rule.limitation);
  }

  /** The campaign's budget for all its rules, used and left; undefined when it has none. */
  campaignStatus(campaignId: string, limitation: Caps | undefined): BudgetStatus | undefined {
    return this.status(campaignBudgetKey(campaignId), limitation);
  }
}
