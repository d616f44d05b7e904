import type {
  AutomationEventName,
  Delivery,
  DeliveryAttempt,
  DeliveryListQuery,
  DeliveryStatus,
} from '../schemas/automation';
import { iso } from '../time';
import type { AttemptResult, DeliveryToSend } from './contract';
import { all, one, paging, Where, type Sql } from './sql';

/** Attempts per delivery, and the wait before attempt n+1 after attempt n failed (seconds). */
export const MAX_DELIVERY_ATTEMPTS = 5;
export const RETRY_DELAYS_SECONDS = [30, 120, 600, 3600] as const;

/** A call an event queued: one HTTP action of one automation. */
export interface NewDelivery {
  automationId: string;
  event: AutomationEventName;
  eventId: string;
  action: number;
  method: string;
  url: string;
  contentType: string;
  body: string | null;
}

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

/**
 * The delivery outbox (docs/automations.md, "Deliveries"): the calls events queued, their attempts
 * and the retry policy. Rows are written in the event's transaction; the queue consumer
 * (functions/deliveries.ts) asks what to send and records how each attempt went.
 */
export class DeliveryOutbox {
  constructor(
    private readonly sql: Sql,
    private readonly sealedSecret: () => string | null,
  ) {}

  /** Queues one call (status pending); answers its id. */
  add(d: NewDelivery, now: number): string {
    const id = crypto.randomUUID();
    this.sql.exec(
      `INSERT INTO deliveries (id, automation_id, event, event_id, action, method, url, content_type, body,
         status, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      id,
      d.automationId,
      d.event,
      d.eventId,
      d.action,
      d.method,
      d.url,
      d.contentType,
      d.body,
      now,
      now,
      now,
    );
    return id;
  }

  /**
   * A call that could not even be made ready (its body did not render): recorded as a failed
   * delivery with one attempt saying why, never queued, so the event's own write still commits.
   */
  addFailed(d: NewDelivery, outcome: AttemptResult['outcome'], error: string, now: number): string {
    const id = this.add(d, now);
    const attempt: DeliveryAttempt = { attempt: 1, at: iso(now), outcome, error, duration_ms: 0 };
    this.sql.exec(
      "UPDATE deliveries SET status = 'failed', attempts = ?, next_attempt_at = NULL, body = NULL WHERE id = ?",
      JSON.stringify([attempt]),
      id,
    );
    return id;
  }

  /** Every delivery of one automation (which the caller checked exists), oldest first. */
  list(automationId: string, q: DeliveryListQuery): Delivery[] {
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
      sealedSecret: this.sealedSecret(),
    };
  }

  /**
   * Records one attempt. 2xx: succeeded. 3xx, 4xx (and a URL or request no longer allowed): failed,
   * not retried, the receiver said no. Network errors, 5xx and a call we could not sign (the keys
   * are being fixed): retried after RETRY_DELAYS_SECONDS until MAX_DELIVERY_ATTEMPTS, then dead.
   * Answers when to try again, if at all.
   */
  recordAttempt(id: string, result: AttemptResult, now = Date.now()): { retryInSeconds?: number } {
    const row = one<DeliveryRow>(this.sql, 'SELECT * FROM deliveries WHERE id = ?', id);
    if (row?.status !== 'pending') return {};
    const attempts = JSON.parse(row.attempts) as DeliveryAttempt[];
    attempts.push({ attempt: attempts.length + 1, at: iso(now), ...result });
    const code = result.response_code;
    const retryable =
      result.outcome === 'network_error' || result.outcome === 'signing_error' || (code !== undefined && code >= 500);
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
}
