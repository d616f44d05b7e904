import { META_KEYS } from '../keys';
import { matchesFilter } from '../automations/filter';
import { renderBody } from '../automations/template';
import { fieldError, notFound } from '../errors';
import type {
  Automation,
  AutomationEventName,
  AutomationInput,
  AutomationListQuery,
  Delivery,
  DeliveryAttempt,
  DeliveryListQuery,
  DeliveryStatus,
} from '../schemas/automation';
import type { Rule } from '../schemas/rule';
import type { AttemptResult, DeliveryToSend } from './contract';
import type { Migration } from './migrations';
import { all, one, paging, Where, type Sql } from './sql';

/**
 * Automations (docs/automations.md): what happens when an event arrives. Everything an event
 * causes (discounts given, deliveries queued, the run that makes it happen once) is written in
 * the transaction that records the event; the calls themselves leave later, through the queue.
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
];

/** Attempts per delivery, and the wait before attempt n+1 after attempt n failed (seconds). */
export const MAX_DELIVERY_ATTEMPTS = 5;
export const RETRY_DELAYS_SECONDS = [30, 120, 600, 3600] as const;
/** The key of the delivery signing secret in `meta` (sealed with SECRETS_KEY by the Worker). */
const SECRET_KEY = META_KEYS.deliverySigningSecret;

/** What happened, as automations see it. `payload` is what filters and templates read. */
export interface AutomationEvent {
  name: AutomationEventName;
  /** Makes the event happen once: the same id again changes nothing (docs/automations.md). */
  id: string;
  payload: object;
  customerId: string | null;
}

/** The key the payload goes under in the default HTTP body (Dintero's Event shape). */
const PAYLOAD_KEY: Record<AutomationEventName, string> = {
  customer_add: 'customer',
  customer_update: 'customer',
  customer_remove: 'customer',
  token_add: 'token',
  token_remove: 'token',
  receipt_add: 'receipt',
};

interface DeliveryRow {
  id: string;
  automation_id: string;
  event: AutomationEventName;
  event_id: string;
  action: number;
  method: string;
  url: string;
  content_type: string;
  body: string | null;
  status: DeliveryStatus;
  attempts: string;
  next_attempt_at: number | null;
  created_at: number;
  updated_at: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    automation_id: row.automation_id,
    event: row.event,
    event_id: row.event_id,
    action: row.action,
    method: row.method,
    url: row.url,
    status: row.status,
    attempts: JSON.parse(row.attempts) as DeliveryAttempt[],
    ...(row.next_attempt_at !== null && row.status === 'pending' && { next_attempt_at: iso(row.next_attempt_at) }),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export interface AutomationDeps {
  /** The rule, deleted ones included; undefined when it never existed. */
  rule(id: string): Rule | undefined;
  /** Gives a rule to one customer exactly as `POST /discounts/rules/{did}/customers` does. */
  give(ruleId: string, customerId: string, actor: string): void;
}

export class AutomationStore {
  constructor(
    private readonly sql: Sql,
    private readonly deps: AutomationDeps,
  ) {}

  // ---- the automations themselves

  create(input: AutomationInput, actor: string, id: string): Automation {
    const to = Date.parse(input.requirement.automation_to);
    input.actions.forEach((action, i) => {
      if (action.type !== 'discount') return;
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
      `INSERT INTO automations (id, body, automation_from, automation_to, created_at) VALUES (?, ?, ?, ?, ?)`,
      id,
      JSON.stringify(automation),
      Date.parse(input.requirement.automation_from),
      to,
      Date.parse(now),
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

  // ---- events

  /**
   * Runs every live automation that listens to `event` and whose filter matches. Each acts at
   * most once per event id, and at most `automation_repeat` times per customer. Answers the ids
   * of the deliveries it queued (the caller sends them to the queue after the commit).
   */
  fire(event: AutomationEvent, actor: string, now = Date.now()): string[] {
    const live = all<{ body: string }>(
      this.sql,
      'SELECT body FROM automations WHERE deleted_at IS NULL AND automation_to >= ? AND automation_from <= ? ' +
        'ORDER BY seq',
      now,
      now,
    ).map((r) => JSON.parse(r.body) as Automation);
    const queued: string[] = [];
    const customerId = event.customerId && !['*', '/'].includes(event.customerId) ? event.customerId : null;
    for (const automation of live) {
      if (!automation.requirement.events.includes(event.name)) continue;
      if (!matchesFilter(automation.requirement.filter as never, event.payload)) continue;
      if (this.ran(automation.id, event.id)) continue;
      const repeat = automation.limitation.automation_repeat;
      if (customerId && repeat !== -1 && this.runsFor(automation.id, customerId) >= repeat) continue;
      this.sql.exec(
        'INSERT INTO automation_runs (automation_id, event_id, customer_id, created_at) VALUES (?, ?, ?, ?)',
        automation.id,
        event.id,
        customerId,
        now,
      );
      automation.actions.forEach((action, i) => {
        if (action.type === 'discount') {
          const rule = this.deps.rule(action.id);
          // No customer in the event, or the rule was deleted since: nothing to give.
          if (customerId && rule && !rule.deleted_at) this.deps.give(action.id, customerId, actor);
          return;
        }
        const id = crypto.randomUUID();
        this.sql.exec(
          `INSERT INTO deliveries (id, automation_id, event, event_id, action, method, url, content_type, body,
             status, next_attempt_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
          id,
          automation.id,
          event.name,
          event.id,
          i,
          action.method,
          action.url,
          action.content_type ?? 'application/json',
          action.method === 'GET' ? null : renderBody(action.body, event.name, PAYLOAD_KEY[event.name], event.payload),
          now,
          now,
          now,
        );
        queued.push(id);
      });
    }
    return queued;
  }

  private ran(automationId: string, eventId: string): boolean {
    return !!one(
      this.sql,
      'SELECT 1 AS x FROM automation_runs WHERE automation_id = ? AND event_id = ?',
      automationId,
      eventId,
    );
  }

  private runsFor(automationId: string, customerId: string): number {
    return this.sql
      .exec<{ n: number }>(
        'SELECT COUNT(*) AS n FROM automation_runs WHERE automation_id = ? AND customer_id = ?',
        automationId,
        customerId,
      )
      .one().n;
  }

  // ---- deliveries

  deliveries(automationId: string, q: DeliveryListQuery): Delivery[] {
    this.get(automationId);
    const where = new Where().add('automation_id = ?', automationId);
    if (q.status) where.add('status = ?', q.status);
    const order = paging(this.sql, where, q, { table: 'deliveries', what: 'delivery' });
    return all<DeliveryRow>(
      this.sql,
      `SELECT * FROM deliveries ${where} ORDER BY ${order} LIMIT ?`,
      ...where.args,
      q.limit,
    ).map(toDelivery);
  }

  markEnqueued(ids: string[], now = Date.now()): void {
    for (const id of ids) this.sql.exec('UPDATE deliveries SET enqueued_at = ? WHERE id = ?', now, id);
  }

  /** Pending deliveries the queue never took (a failed send) or lost: the cleanup sends them again. */
  stranded(olderThan: number, limit = 100): string[] {
    return all<{ id: string }>(
      this.sql,
      `SELECT id FROM deliveries WHERE status = 'pending' AND (enqueued_at IS NULL OR enqueued_at < ?)
       ORDER BY enqueued_at LIMIT ?`,
      olderThan,
      limit,
    ).map((r) => r.id);
  }

  /** Finished deliveries last changed before `before` (the account's retention_days); answers how many. */
  purgeDeliveries(before: number): number {
    // At most 1,000 per run, like every cleanup step (docs/maintenance.md).
    return this.sql.exec(
      `DELETE FROM deliveries WHERE id IN
         (SELECT id FROM deliveries WHERE status != 'pending' AND updated_at < ? LIMIT 1000)`,
      before,
    ).rowsWritten;
  }

  /** The call to make now, or null when the delivery is finished (a duplicate queue message). */
  toSend(id: string): DeliveryToSend | null {
    const row = one<DeliveryRow>(this.sql, 'SELECT * FROM deliveries WHERE id = ?', id);
    if (row?.status !== 'pending') return null;
    return {
      id: row.id,
      event: row.event,
      method: row.method,
      url: row.url,
      content_type: row.content_type,
      body: row.body,
      attempt: (JSON.parse(row.attempts) as unknown[]).length + 1,
      sealedSecret: this.signingSecret()?.sealed ?? null,
    };
  }

  /**
   * Records one attempt. 2xx: succeeded. 3xx, 4xx (and a URL no longer allowed): failed, not retried,
   * the receiver said no. Network errors and 5xx: retried after RETRY_DELAYS_SECONDS until
   * MAX_DELIVERY_ATTEMPTS, then dead. Answers when to try again, if at all.
   */
  recordAttempt(id: string, result: AttemptResult, now = Date.now()): { retryInSeconds?: number } {
    const row = one<DeliveryRow>(this.sql, 'SELECT * FROM deliveries WHERE id = ?', id);
    if (row?.status !== 'pending') return {};
    const attempts = JSON.parse(row.attempts) as DeliveryAttempt[];
    attempts.push({ attempt: attempts.length + 1, at: iso(now), ...result });
    const code = result.response_code;
    const retryable = result.outcome === 'network_error' || (code !== undefined && code >= 500);
    let status: DeliveryStatus;
    if (result.outcome === 'success') status = 'succeeded';
    else if (!retryable) status = 'failed';
    else status = attempts.length >= MAX_DELIVERY_ATTEMPTS ? 'dead' : 'pending';
    const retryInSeconds =
      status === 'pending'
        ? RETRY_DELAYS_SECONDS[Math.min(attempts.length, RETRY_DELAYS_SECONDS.length) - 1]
        : undefined;
    this.sql.exec(
      'UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, body = ?, updated_at = ? WHERE id = ?',
      status,
      JSON.stringify(attempts),
      retryInSeconds === undefined ? null : now + retryInSeconds * 1000,
      status === 'pending' ? row.body : null,
      now,
      id,
    );
    return retryInSeconds === undefined ? {} : { retryInSeconds };
  }

  // ---- the delivery signing secret (sealed by the Worker; this store never sees it in the clear)

  signingSecret(): { sealed: string; created_at: string; created_by: string } | null {
    const row = one<{ value: string }>(this.sql, 'SELECT value FROM meta WHERE key = ?', SECRET_KEY);
    return row ? (JSON.parse(row.value) as { sealed: string; created_at: string; created_by: string }) : null;
  }

  /** Replaces the secret (`replace`) or sets it only if there is none; answers the one in force. */
  setSigningSecret(sealed: string, actor: string, replace: boolean) {
    const value = JSON.stringify({ sealed, created_at: new Date().toISOString(), created_by: actor });
    const onConflict = replace ? 'UPDATE SET value = excluded.value' : 'NOTHING';
    this.sql.exec(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO ${onConflict}`, SECRET_KEY, value);
    return this.signingSecret()!;
  }
}
