import { matchesFilter } from '../automations/filter';
import { renderBody } from '../automations/template';
import type { AutomationEventName } from '../schemas/automation';
import type { Rule } from '../schemas/rule';
import type { AutomationStore } from './automations';
import type { DeliveryOutbox } from './deliveries';
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

export interface FiringDeps {
  automations: Pick<AutomationStore, 'live'>;
  outbox: Pick<DeliveryOutbox, 'add'>;
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
   * Runs every live automation that listens to `event` and whose filter matches. Each acts at
   * most once per event id, and at most `automation_repeat` times per customer. Answers the ids
   * of the deliveries it queued (the caller sends them to the queue after the commit).
   */
  fire(event: AutomationEvent, actor: string, now = Date.now()): string[] {
    const live = this.deps.automations.live(now);
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
        const id = this.deps.outbox.add(
          {
            automationId: automation.id,
            event: event.name,
            eventId: event.id,
            action: i,
            method: action.method,
            url: action.url,
            contentType: action.content_type ?? 'application/json',
            body:
              action.method === 'GET'
                ? null
                : renderBody(action.body, event.name, PAYLOAD_KEY[event.name], event.payload),
          },
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
}
