import { ALL_SCOPES } from '../auth/scopes';
import { mayGive, visiblePayload } from '../automations/authority';
import { matchesFilter } from '../automations/filter';
import { RenderError, renderBody } from '../automations/template';
import { AUTOMATION_LIMITS, type AutomationEventName } from '../schemas/automation';
import type { Rule } from '../schemas/rule';
import type { AutomationStore } from './automations';
import type { DeliveryOutbox, NewDelivery } from './deliveries';
import { one, type Sql } from './sql';

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

/** What one write may still cause: shared by every event it fires (an import fires one per customer). */
export interface FiringBudget {
  deliveries: number;
  /** Automations that did not act because a limit was reached (logged by the caller). */
  skipped: number;
}
export const newFiringBudget = (): FiringBudget => ({ deliveries: AUTOMATION_LIMITS.deliveriesPerWrite, skipped: 0 });

/** An author client as the account knows it; null for a client it does not store (the bootstrap client). */
export interface AuthorStanding {
  scopes: string[];
  revoked: boolean;
}

export interface FiringDeps {
  automations: Pick<AutomationStore, 'live'>;
  outbox: Pick<DeliveryOutbox, 'add' | 'addFailed'>;
  author(clientId: string): AuthorStanding | null;
  /** The rule, deleted ones included; undefined when it never existed. */
  rule(id: string): Rule | undefined;
  /** Gives a rule to one customer exactly as `POST /discounts/rules/{did}/customers` does. */
  give(ruleId: string, customerId: string, actor: string): void;
}

/**
 * Firing (docs/automations.md, "Events"): which automations an event runs and what they do.
 * Everything an event causes (discounts given, deliveries queued, the run that makes it happen
 * once) is written in the transaction that records the event; the calls leave later, through the queue.
 */
export class AutomationFiring {
  constructor(
    private readonly sql: Sql,
    private readonly deps: FiringDeps,
  ) {}

  /**
   * Runs every live automation that listens to `event`, whose author client is not revoked and
   * whose filter matches what the author may read. Each acts at most once per event id, at most
   * `automation_repeat` times per customer, and only while the event's actions and the write's
   * deliveries stay within their limits (`budget`, shared by every event of one write). Answers
   * the ids of the deliveries it queued (the caller sends them to the queue after the commit).
   */
  fire(event: AutomationEvent, budget: FiringBudget, now = Date.now()): string[] {
    const queued: string[] = [];
    const customerId = event.customerId && !['*', '/'].includes(event.customerId) ? event.customerId : null;
    let actions = 0;
    const authors = new Map<string, AuthorStanding | null>(); // looked up once per event, never kept
    for (const { automation, authorScopes } of this.deps.automations.live(now)) {
      if (!automation.requirement.events.includes(event.name)) continue;
      const held = this.authority(automation.created_by, authorScopes, authors);
      if (!held) continue; // its author was revoked: it stops
      const payload = visiblePayload(event.name, event.payload, held);
      if (!matchesFilter(automation.requirement.filter as never, payload)) continue;
      if (this.ran(automation.id, event.id)) continue;
      const repeat = automation.limitation.automation_repeat;
      if (customerId && repeat !== -1 && this.runsFor(automation.id, customerId) >= repeat) continue;
      const calls = automation.actions.filter((a) => a.type === 'http').length;
      if (actions + automation.actions.length > AUTOMATION_LIMITS.actionsPerEvent || calls > budget.deliveries) {
        budget.skipped++;
        continue;
      }
      actions += automation.actions.length;
      budget.deliveries -= calls;
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
          // No customer in the event, the rule deleted since, or an author who may not give it: nothing.
          if (customerId && rule && !rule.deleted_at && mayGive(held)) {
            this.deps.give(action.id, customerId, `automation:${automation.id}`);
          }
          return;
        }
        const delivery: NewDelivery = {
          automationId: automation.id,
          event: event.name,
          eventId: event.id,
          action: i,
          method: action.method,
          url: action.url,
          contentType: action.content_type ?? 'application/json',
          body: null,
        };
        try {
          if (action.method !== 'GET') {
            delivery.body = renderBody(action.body, event.name, PAYLOAD_KEY[event.name], payload);
          }
        } catch (err) {
          if (!(err instanceof RenderError)) throw err;
          // Recorded, never queued: the write that fired the event still commits.
          this.deps.outbox.addFailed(delivery, 'render_error', err.message, now);
          return;
        }
        queued.push(this.deps.outbox.add(delivery, now));
      });
    }
    return queued;
  }

  /** The scopes an automation acts with now, or null when its author client was revoked. */
  private authority(
    author: string,
    recorded: string[] | null,
    authors: Map<string, AuthorStanding | null>,
  ): readonly string[] | null {
    let standing = authors.get(author);
    if (standing === undefined) {
      standing = this.deps.author(author);
      authors.set(author, standing);
    }
    if (standing?.revoked) return null;
    // Written before scopes were recorded: the author client's scopes (the bootstrap client holds all).
    return recorded ?? standing?.scopes ?? ALL_SCOPES;
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
}
