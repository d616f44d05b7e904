import { META_KEYS } from '../keys';
import type { ShippingMemo } from '../checkout/shipping';
import type { ClaimInput } from '../schemas/claim';
import type { CheckoutEvent, CheckoutEventsQuery, CheckoutOutcome, SignatureStatus } from '../schemas/checkout';
import type { Migration } from './migrations';
import { all, one, paging, Where, type Sql } from './sql';

/**
 * Checkout storage (docs/storage.md, "Checkout"): what a shopper was shown per session, the log of
 * transaction callbacks, and the sealed signature secret (in `meta`).
 */
export const checkoutMigrations: Migration[] = [
  {
    id: 'checkout/001',
    statements: [
      `CREATE TABLE checkout_sessions (
        session_id TEXT PRIMARY KEY,
        customer_id TEXT,
        purchase_at TEXT NOT NULL,
        evaluation TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      )`,
      'CREATE INDEX checkout_sessions_by_expiry ON checkout_sessions (expires_at)',
      `CREATE TABLE checkout_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        transaction_id TEXT,
        session_id TEXT,
        event TEXT NOT NULL,
        event_id TEXT,
        outcome TEXT NOT NULL,
        claim_id TEXT,
        detail TEXT,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL
      )`,
      'CREATE INDEX checkout_events_by_transaction ON checkout_events (transaction_id, seq)',
      'CREATE INDEX checkout_events_by_session ON checkout_events (session_id, seq)',
    ],
  },
  {
    id: 'checkout/002',
    statements: [
      // Accepted signature digests until they could no longer be replayed (docs/security.md).
      `CREATE TABLE checkout_signatures (
        digest TEXT PRIMARY KEY,
        body_hash TEXT NOT NULL,
        answer TEXT,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID`,
      'CREATE INDEX checkout_signatures_by_expiry ON checkout_signatures (expires_at)',
    ],
  },
  {
    id: 'checkout/003',
    statements: [
      // One body per signature *and session* (issue 21, item 9): shoppers in the same second share a
      // signature. Transaction callbacks use the session '' (their signed query names the transaction).
      `CREATE TABLE checkout_signature_uses (
        digest TEXT NOT NULL,
        session_id TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        answer TEXT,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (digest, session_id)
      ) WITHOUT ROWID`,
      'CREATE INDEX checkout_signature_uses_by_expiry ON checkout_signature_uses (expires_at)',
      `INSERT INTO checkout_signature_uses (digest, session_id, body_hash, answer, expires_at)
        SELECT digest, '', body_hash, answer, expires_at FROM checkout_signatures`,
      'DROP TABLE checkout_signatures',
      // What binds a stored plan to its payment when the signed callback names no session (item 10),
      // and the signature time of the call that stored it (an older signature never replaces it).
      'ALTER TABLE checkout_sessions ADD COLUMN merchant_reference TEXT',
      'ALTER TABLE checkout_sessions ADD COLUMN signed_at INTEGER',
    ],
  },
];

/** How long a discount-code evaluation waits for its payment. */
export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
const SIGNATURE_KEY = META_KEYS.checkoutSignature;

/** What the payment of a session claims: exactly what the shopper was shown. */
export interface SessionPlan {
  customer_id: string | null;
  purchase_at: string;
  discounts: ClaimInput['discounts'];
  /** Rule ids whose discount lines rabatt put on the session's items (taken off on the next call). */
  applied: string[];
  /** Shipping prices rabatt answered (shared/checkout/shipping.ts), taken back on the next call. */
  shipping?: ShippingMemo;
}

/** A stored plan with what bound it when it was stored. */
export interface StoredPlan extends SessionPlan {
  /** The session's `order.merchant_reference`: a signed callback naming it may claim this plan. */
  merchant_reference: string | null;
  /** The signature time (epoch ms) of the call that stored it; null for an unsigned call. */
  signed_at: number | null;
}

interface EventRow {
  seq: number;
  id: string;
  transaction_id: string | null;
  session_id: string | null;
  event: string;
  event_id: string | null;
  outcome: CheckoutOutcome;
  claim_id: string | null;
  detail: string | null;
  created_at: number;
  created_by: string;
}

export interface EventInput {
  transaction_id: string | null;
  session_id: string | null;
  event: string;
  event_id: string | null;
  outcome: CheckoutOutcome;
  claim_id: string | null;
  detail: string | null;
}

const toEvent = ({ seq: _seq, created_at, ...row }: EventRow): CheckoutEvent => ({
  ...row,
  created_at: new Date(created_at).toISOString(),
});

export class CheckoutStore {
  constructor(private readonly sql: Sql) {}

  // ---- signature secret (sealed by the caller; this store never sees it in the clear)

  sealedSecret(): string | null {
    const row = one<{ value: string }>(this.sql, 'SELECT value FROM meta WHERE key = ?', SIGNATURE_KEY);
    return row ? (JSON.parse(row.value) as { sealed: string }).sealed : null;
  }

  signatureStatus(): SignatureStatus {
    const row = one<{ value: string }>(this.sql, 'SELECT value FROM meta WHERE key = ?', SIGNATURE_KEY);
    if (!row) return { configured: false };
    const { updated_at, updated_by } = JSON.parse(row.value) as { updated_at: string; updated_by: string };
    return { configured: true, updated_at, updated_by };
  }

  /**
   * The same secret sealed under a new SECRETS_KEY (a rotation), kept only if the stored one is
   * still `was`: a secret set meanwhile is never overwritten by an older one.
   */
  resealSecret(was: string, sealed: string): boolean {
    const row = one<{ value: string }>(this.sql, 'SELECT value FROM meta WHERE key = ?', SIGNATURE_KEY);
    if (!row) return false;
    const value = JSON.parse(row.value) as { sealed: string };
    if (value.sealed !== was) return false;
    this.sql.exec('UPDATE meta SET value = ? WHERE key = ?', JSON.stringify({ ...value, sealed }), SIGNATURE_KEY);
    return true;
  }

  setSecret(sealed: string, actor: string): SignatureStatus {
    const value = JSON.stringify({ sealed, updated_at: new Date().toISOString(), updated_by: actor });
    this.sql.exec(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      SIGNATURE_KEY,
      value,
    );
    return this.signatureStatus();
  }

  deleteSecret(): SignatureStatus {
    this.sql.exec('DELETE FROM meta WHERE key = ?', SIGNATURE_KEY);
    return { configured: false };
  }

  // ---- signature digests (one body per signature and session while it is valid)

  /** The body hash and answer (null while the first call is under way) of a digest used for a session. */
  signatureUse(
    digest: string,
    sessionId: string,
    now: number,
  ): { body_hash: string; answer: string | null } | undefined {
    return one<{ body_hash: string; answer: string | null }>(
      this.sql,
      'SELECT body_hash, answer FROM checkout_signature_uses WHERE digest = ? AND session_id = ? AND expires_at > ?',
      digest,
      sessionId,
      now,
    );
  }

  /** Records a digest's first use for a session; uses past their window go at the same time. */
  claimSignature(digest: string, sessionId: string, bodyHash: string, expiresAt: number, now: number): void {
    this.sql.exec('DELETE FROM checkout_signature_uses WHERE expires_at <= ?', now);
    this.sql.exec(
      `INSERT OR REPLACE INTO checkout_signature_uses (digest, session_id, body_hash, answer, expires_at)
       VALUES (?, ?, ?, NULL, ?)`,
      digest,
      sessionId,
      bodyHash,
      expiresAt,
    );
  }

  answerSignature(digest: string, sessionId: string, answer: string): void {
    this.sql.exec(
      'UPDATE checkout_signature_uses SET answer = ? WHERE digest = ? AND session_id = ?',
      answer,
      digest,
      sessionId,
    );
  }

  // ---- sessions

  saveSession(sessionId: string, plan: StoredPlan, now: number): void {
    this.sql.exec(
      `INSERT INTO checkout_sessions (session_id, customer_id, purchase_at, evaluation, ` +
        `created_at, updated_at, expires_at, merchant_reference, signed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_id) DO UPDATE SET customer_id = excluded.customer_id, purchase_at = excluded.purchase_at,
         evaluation = excluded.evaluation, updated_at = excluded.updated_at, expires_at = excluded.expires_at,
         merchant_reference = excluded.merchant_reference, signed_at = excluded.signed_at`,
      sessionId,
      plan.customer_id,
      plan.purchase_at,
      JSON.stringify({ discounts: plan.discounts, applied: plan.applied, shipping: plan.shipping }),
      now,
      now,
      now + SESSION_TTL_MS,
      plan.merchant_reference,
      plan.signed_at,
    );
  }

  /** The session's plan while it has not expired. */
  session(sessionId: string, now: number): StoredPlan | undefined {
    const row = one<Omit<StoredPlan, 'discounts' | 'applied' | 'shipping'> & { evaluation: string }>(
      this.sql,
      `SELECT customer_id, purchase_at, evaluation, merchant_reference, signed_at FROM checkout_sessions
       WHERE session_id = ? AND expires_at > ?`,
      sessionId,
      now,
    );
    if (!row) return undefined;
    const { evaluation, ...rest } = row;
    const { discounts, applied, shipping } = JSON.parse(evaluation) as Pick<
      SessionPlan,
      'discounts' | 'applied' | 'shipping'
    >;
    return { ...rest, discounts, applied, ...(shipping && { shipping }) };
  }

  // ---- callback log

  record(input: EventInput, actor: string, now: number): CheckoutEvent {
    const id = crypto.randomUUID();
    this.sql.exec(
      `INSERT INTO checkout_events (id, transaction_id, session_id, event, event_id, ` +
        `outcome, claim_id, detail, created_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      input.transaction_id,
      input.session_id,
      input.event,
      input.event_id,
      input.outcome,
      input.claim_id,
      input.detail,
      now,
      actor,
    );
    return { id, ...input, created_at: new Date(now).toISOString(), created_by: actor };
  }

  /** Newest first: support looks for what just happened. */
  events(q: CheckoutEventsQuery): { events: CheckoutEvent[]; total?: number } {
    const where = new Where();
    if (q.transaction_id) where.add('transaction_id = ?', q.transaction_id);
    if (q.session_id) where.add('session_id = ?', q.session_id);
    const total = q.total
      ? one<{ n: number }>(this.sql, `SELECT COUNT(*) AS n FROM checkout_events ${where}`, ...where.args)!.n
      : undefined;
    const order = paging(this.sql, where, q, { table: 'checkout_events', what: 'checkout event', newestFirst: true });
    const rows = all<EventRow>(
      this.sql,
      `SELECT * FROM checkout_events ${where} ORDER BY ${order} LIMIT ?`,
      ...where.args,
      q.limit,
    );
    return { events: rows.map(toEvent), total };
  }
}
