import { mayGive, GIVE_SCOPES } from '../automations/authority';
import { DomainError, fieldError, notFound, refused } from '../errors';
import {
  AUTOMATION_LIMITS,
  type Automation,
  type AutomationInput,
  type AutomationListQuery,
} from '../schemas/automation';
import type { Rule } from '../schemas/rule';
import type { Migration } from './migrations';
import { all, one, paging, Where, type Sql } from './sql';

/**
 * Automations (docs/automations.md): what happens when an event arrives. This module owns their
 * tables and definitions; firing them is shared/store/automation-firing.ts, the calls they queue
 * shared/store/deliveries.ts, the signing secret shared/store/signing-secret.ts.
 */
export const automationMigrations: Migration[] = [
  {
    id: 'automations/001',
    statements: [
      `CREATE TABLE automations (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        automation_from INTEGER NOT NULL,
        automation_to INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        deleted_at INTEGER
      )`,
      'CREATE INDEX automations_live ON automations (automation_to) WHERE deleted_at IS NULL',
      // Which automations give which rule: deleting the rule deletes them (Dintero does the same).
      `CREATE TABLE automation_rules (rule_id TEXT NOT NULL, automation_id TEXT NOT NULL,
        PRIMARY KEY (rule_id, automation_id)) WITHOUT ROWID`,
      // One row per (automation, event) it acted on: the same event twice acts once, and the rows
      // of one customer count against `limitation.automation_repeat`.
      `CREATE TABLE automation_runs (automation_id TEXT NOT NULL, event_id TEXT NOT NULL, customer_id TEXT,
        created_at INTEGER NOT NULL, PRIMARY KEY (automation_id, event_id)) WITHOUT ROWID`,
      'CREATE INDEX automation_runs_by_customer ON automation_runs (automation_id, customer_id)',
      // One row per HTTP call to make; `attempts` is a JSON list bounded by MAX_DELIVERY_ATTEMPTS.
      // `body` is what we send, kept only until the delivery is finished; responses are never kept.
      `CREATE TABLE deliveries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        automation_id TEXT NOT NULL,
        event TEXT NOT NULL,
        event_id TEXT NOT NULL,
        action INTEGER NOT NULL,
        method TEXT NOT NULL,
        url TEXT NOT NULL,
        content_type TEXT NOT NULL,
        body TEXT,
        status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'dead')),
        attempts TEXT NOT NULL DEFAULT '[]',
        next_attempt_at INTEGER,
        enqueued_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      )`,
      'CREATE INDEX deliveries_by_automation ON deliveries (automation_id, seq)',
      "CREATE INDEX deliveries_pending ON deliveries (enqueued_at) WHERE status = 'pending'",
      "CREATE INDEX deliveries_by_updated ON deliveries (updated_at) WHERE status != 'pending'",
    ],
  },
  {
    // The scopes of the token that wrote the automation: it never acts beyond them (docs/security.md).
    // NULL for automations written before: they act with their author client's scopes.
    id: 'automations/002',
    statements: ['ALTER TABLE automations ADD COLUMN author_scopes TEXT'],
  },
];

/** A live automation with the authority it acts with. */
export interface LiveAutomation {
  automation: Automation;
  /** The author token's scopes; null for an automation written before they were recorded. */
  authorScopes: string[] | null;
}

export interface AutomationDeps {
  /** The rule, deleted ones included; undefined when it never existed. */
  rule(id: string): Rule | undefined;
}

/** The definitions: write, read, list, delete. */
export class AutomationStore {
  constructor(
    private readonly sql: Sql,
    private readonly deps: AutomationDeps,
  ) {}

  /**
   * `actor` is the author (the client id) and `authorScopes` its token's scopes: a discount action
   * needs the right to give rules (403 on `actions.<n>.id`), and the automation never acts beyond them.
   */
  create(input: AutomationInput, actor: string, authorScopes: readonly string[], id: string): Automation {
    const to = Date.parse(input.requirement.automation_to);
    const live = this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM automations WHERE deleted_at IS NULL').one().n;
    if (live >= AUTOMATION_LIMITS.perAccount) {
      const message = `An account has at most ${AUTOMATION_LIMITS.perAccount} automations; delete one first`;
      throw refused(message, [{ field: '(body)', code: 'too_many_automations', message }]);
    }
    input.actions.forEach((action, i) => {
      if (action.type !== 'discount') return;
      if (!mayGive(authorScopes)) {
        const field = `actions.${i}.id`;
        const message = `Giving a discount needs one of the scopes: ${GIVE_SCOPES.join(', ')}`;
        throw new DomainError('forbidden', 'forbidden', message, [{ field, code: 'scope', message }]);
      }
      const rule = this.deps.rule(action.id);
      if (!rule || rule.deleted_at) throw fieldError(`actions.${i}.id`, 'No discount rule with this id', 'unknown_id');
      if (to > Date.parse(rule.requirement.purchase_to)) {
        throw fieldError(
          'requirement.automation_to',
          `Expected at or before the purchase_to of discount ${action.id} (${rule.requirement.purchase_to})`,
          'after_purchase_to',
        );
      }
    });
    const now = new Date().toISOString();
    const automation: Automation = { id, ...input, created_at: now, created_by: actor, updated_at: now };
    this.sql.exec(
      `INSERT INTO automations (id, body, automation_from, automation_to, created_at, author_scopes)
       VALUES (?, ?, ?, ?, ?, ?)`,
      id,
      JSON.stringify(automation),
      Date.parse(input.requirement.automation_from),
      to,
      Date.parse(now),
      JSON.stringify(authorScopes),
    );
    for (const action of input.actions) {
      if (action.type === 'discount') {
        this.sql.exec('INSERT OR IGNORE INTO automation_rules (rule_id, automation_id) VALUES (?, ?)', action.id, id);
      }
    }
    return automation;
  }

  get(id: string): Automation {
    const row = one<{ body: string }>(this.sql, 'SELECT body FROM automations WHERE id = ?', id);
    if (!row) throw notFound('Automation');
    return JSON.parse(row.body) as Automation;
  }

  list(q: AutomationListQuery, now = Date.now()): Automation[] {
    const where = new Where();
    if (q.state === 'available') where.add('deleted_at IS NULL AND automation_to >= ?', now);
    if (q.state === 'deleted') where.add('deleted_at IS NOT NULL');
    const order = paging(this.sql, where, q, { table: 'automations', what: 'automation' });
    return all<{ body: string }>(
      this.sql,
      `SELECT body FROM automations ${where} ORDER BY ${order} LIMIT ?`,
      ...where.args,
      q.limit,
    ).map((r) => JSON.parse(r.body) as Automation);
  }

  /** Soft delete; deleting again answers the automation as it was deleted. */
  delete(id: string, actor: string): Automation {
    const current = this.get(id);
    if (current.deleted_at) return current;
    const now = new Date().toISOString();
    const deleted = { ...current, updated_at: now, updated_by: actor, deleted_at: now, deleted_by: actor };
    this.sql.exec(
      'UPDATE automations SET body = ?, deleted_at = ? WHERE id = ?',
      JSON.stringify(deleted),
      Date.parse(now),
      id,
    );
    return deleted;
  }

  /** A deleted rule takes the automations that give it along (in the rule's delete transaction). */
  deleteForRule(ruleId: string, actor: string): void {
    const ids = all<{ automation_id: string }>(
      this.sql,
      'SELECT automation_id FROM automation_rules WHERE rule_id = ?',
      ruleId,
    );
    for (const { automation_id } of ids) this.delete(automation_id, actor);
  }

  /** The automations that may act at `now` (not deleted, inside their window), oldest first. */
  live(now: number): LiveAutomation[] {
    return all<{ body: string; author_scopes: string | null }>(
      this.sql,
      'SELECT body, author_scopes FROM automations ' +
        'WHERE deleted_at IS NULL AND automation_to >= ? AND automation_from <= ? ORDER BY seq',
      now,
      now,
    ).map((r) => ({
      automation: JSON.parse(r.body) as Automation,
      authorScopes: r.author_scopes === null ? null : (JSON.parse(r.author_scopes) as string[]),
    }));
  }
}
