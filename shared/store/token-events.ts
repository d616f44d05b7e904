import { invalid } from '../errors';
import { iso } from '../time';
import type { CustomerToken } from './customer-tokens';
import { all, one, type Sql, type Value } from './sql';

/**
 * Dintero's token events (`/customers/tokens/events`): what happened to a token (type, value), such
 * as a shopper declining to sign up at the till, recorded whether or not a customer holds it.
 * Tables `token_keys` (one row per type and value that ever had an event; its `id` is Dintero's
 * TokenDetail id) and `token_events` (customer-tokens.ts `customers/003`).
 */
export interface TokenEvent {
  event: string;
  status?: string;
  metadata?: Record<string, unknown>;
  created_at: string;
  expires_at?: string;
}
export interface TokenEventInput {
  event: string;
  status?: string;
  metadata?: Record<string, unknown>;
  expires_at?: string;
}
export interface TokenKey {
  type: string;
  value: string;
}

type EventRow = {
  event: string;
  status: string | null;
  metadata: string | null;
  created_at: number;
  expires_at: number | null;
};
type KeyRow = {
  seq: number;
  id: string;
  updated_at: number;
};

const toEvent = (r: EventRow): TokenEvent => ({
  event: r.event,
  ...(r.status !== null && { status: r.status }),
  ...(r.metadata !== null && { metadata: JSON.parse(r.metadata) }),
  created_at: iso(r.created_at),
  ...(r.expires_at !== null && { expires_at: iso(r.expires_at) }),
});

export const UNKNOWN_STATUS = 'UNKNOWN';
export const DELETED_STATUS = 'DELETED';

export class TokenEvents {
  constructor(private readonly sql: Sql) {}

  /** Records an event on (type, value) and answers the key's id. */
  record(key: TokenKey, input: TokenEventInput, now = Date.now()): string {
    const k = this.keyFor(key, now);
    this.sql.exec(
      'INSERT INTO token_events (key_seq, event, status, metadata, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      k.seq,
      input.event,
      input.status ?? null,
      input.metadata === undefined ? null : JSON.stringify(input.metadata),
      now,
      input.expires_at === undefined ? null : Date.parse(input.expires_at),
    );
    return k.id;
  }

  /** Clears the events of (type, value); with `event`, records a DELETED one in their place. */
  clear(key: TokenKey, event: { event?: string; metadata?: Record<string, unknown> } | undefined): void {
    const k = one<KeyRow>(this.sql, 'SELECT * FROM token_keys WHERE type = ? AND value = ?', key.type, key.value);
    if (k) {
      this.sql.exec('DELETE FROM token_events WHERE key_seq = ?', k.seq);
      this.sql.exec('UPDATE token_keys SET updated_at = ? WHERE seq = ?', Date.now(), k.seq);
    }
    if (event) {
      this.record(key, { event: event.event ?? 'deleted', status: DELETED_STATUS, metadata: event.metadata });
    }
  }

  /** Dintero's TokenDetail: the key's id (random when nothing was recorded), its events and status. */
  detail(key: TokenKey, found: { token: CustomerToken; customer: Record<string, unknown> | null } | null) {
    const k = one<KeyRow>(this.sql, 'SELECT * FROM token_keys WHERE type = ? AND value = ?', key.type, key.value);
    const events = k ? this.eventsOf(k.seq) : [];
    const customerStatus = found?.customer?.status;
    const status = typeof customerStatus === 'string' ? customerStatus : statusOf(events);
    return {
      id: k?.id ?? crypto.randomUUID(),
      ...(found?.customer && { customer: found.customer }),
      ...(found && { token: found.token }),
      status,
      events,
    };
  }

  /** Keys with events, oldest first: by key seq after `starting_after` (a key id), or by update since a time. */
  list(q: { limit: number; starting_after?: string; since_datetime?: string; deleted_since?: string }) {
    const where: string[] = ['EXISTS (SELECT 1 FROM token_events e WHERE e.key_seq = k.seq)'];
    const args: Value[] = [];
    let order = 'k.seq';
    if (q.since_datetime !== undefined) {
      where.push('k.updated_at >= ?');
      args.push(Date.parse(q.since_datetime));
      order = 'k.updated_at, k.seq';
    } else if (q.starting_after !== undefined) {
      const after = one<KeyRow>(this.sql, 'SELECT * FROM token_keys WHERE id = ?', q.starting_after);
      if (!after)
        throw invalid('starting_after names no token events', [
          { field: 'starting_after', code: 'unknown_id', message: 'No token events with this id' },
        ]);
      where.push('k.seq > ?');
      args.push(after.seq);
    }
    if (q.deleted_since !== undefined) {
      where.push(
        `(SELECT e.status FROM token_events e WHERE e.key_seq = k.seq ORDER BY e.seq DESC LIMIT 1)
          = '${DELETED_STATUS}'`,
        'k.updated_at >= ?',
      );
      args.push(Date.parse(q.deleted_since));
    }
    const keys = all<KeyRow>(
      this.sql,
      `SELECT k.* FROM token_keys k WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`,
      ...args,
      q.limit,
    );
    return keys.map((k) => {
      const events = this.eventsOf(k.seq);
      return { id: k.id, status: statusOf(events), events };
    });
  }

  private eventsOf(keySeq: number): TokenEvent[] {
    return all<EventRow>(this.sql, 'SELECT * FROM token_events WHERE key_seq = ? ORDER BY seq', keySeq).map(toEvent);
  }

  private keyFor(key: TokenKey, now: number): KeyRow {
    const found = one<KeyRow>(this.sql, 'SELECT * FROM token_keys WHERE type = ? AND value = ?', key.type, key.value);
    if (found) {
      this.sql.exec('UPDATE token_keys SET updated_at = ? WHERE seq = ?', now, found.seq);
      return found;
    }
    return this.sql
      .exec<KeyRow>(
        'INSERT INTO token_keys (id, type, value, updated_at) VALUES (?, ?, ?, ?) RETURNING *',
        crypto.randomUUID(),
        key.type,
        key.value,
        now,
      )
      .one();
  }
}

/**
 * The latest status of an event not expired yet (Dintero: an expired one falls back to the one
 * before), else UNKNOWN.
 */
function statusOf(events: TokenEvent[], now = Date.now()): string {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.status === undefined) continue;
    if (e.expires_at !== undefined && Date.parse(e.expires_at) <= now) continue;
    return e.status;
  }
  return UNKNOWN_STATUS;
}
