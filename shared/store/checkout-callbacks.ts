import { openRotating, type SecretsKeys } from '../auth/secret-box';
import { SIGNATURE_TOLERANCE_SECONDS, verifySignature } from '../auth/signature';
import {
  acceptedCodes,
  claimDiscounts,
  discountCodesAnswer,
  prepareSession,
  shippingMemoOf,
  type DinteroDiscountLine,
} from '../checkout/dintero';
import type { EvaluationResult } from '../engine';
import type { CodeOutcome } from './evaluation';
import { DomainError, fieldError, forbidden, invalid, notFound, validationError } from '../errors';
import { claimBodyHash, type ClaimInput } from '../schemas/claim';
import {
  callbackQuerySchema,
  callbackTransactionSchema,
  dinteroSessionSchema,
  type CallbackAnswer,
  type CallbackTransaction,
  type CheckoutOutcome,
  type DinteroSession,
  type DiscountCodesAnswer,
} from '../schemas/checkout';
import { sessionReceiptSchema, type ReceiptInput } from '../schemas/receipt';
import { isPlainObject, jsonDepthExceeds, MAX_JSON_DEPTH } from '../json';
import { parse } from '../schemas/parse';
import type { CheckoutStore, EventInput, SessionPlan, StoredPlan } from './checkout';
import { checkNotSuperseded, oncePerSignature, type Authorized } from './checkout-replay';
import type { ClaimStore } from './claims';
import type { SignedCall } from './contract';

export interface CheckoutDeps {
  store: CheckoutStore;
  claims: ClaimStore;
  /** `codes` collects the session's codes that match nothing (docs/codes.md). */
  evaluate(receipt: ReceiptInput, now: string, codes?: CodeOutcome): EvaluationResult;
  /** Receipts of one purchase that differ only in their lines, each evaluated (store reads shared). */
  evaluateEach(receipts: ReceiptInput[], now: string): EvaluationResult[];
  discountCodeOf(ruleId: string): string | string[] | undefined;
  /** Whether a live rule rewards shipping (only then are the other shipping options evaluated). */
  shippingRules(): boolean;
  /** Whether the id is one of this account's rules (deleted ones included: their lines are still ours). */
  isRule(id: string): boolean;
  allowUnsigned(): boolean;
  secretsKeys(): SecretsKeys;
  /** Runs `fn` in one storage transaction (and clears per-call caches first). */
  tx<T>(fn: () => T): T;
}

/** Callbacks to an account without a signature secret (also said by the Worker for never-used accounts). */
export const signatureNotConfigured = () =>
  forbidden('Set a checkout signature secret (PUT /checkout/signature)', 'signature_not_configured');

/** Purpose label of the key that seals checkout signature secrets (shared/auth/secret-box.ts). */
export const SIGNATURE_PURPOSE = 'checkout-signature';
/** Who claims and releases on behalf of Dintero Checkout (claims' `created_by`). */
export const CHECKOUT_ACTOR = 'dintero-checkout';
const CLAIM_TYPE = 'dintero_checkout';

type Action = 'claim' | 'release' | 'refund' | 'partial_refund' | 'ignore';

/**
 * Dintero's signed `event` query parameter → what rabatt does. The body is not signed, so it never
 * chooses an action; it can only hold one back (see `actionOf`).
 */
const ACTIONS: Record<string, Action> = {
  AUTHORIZE: 'claim',
  AUTHORIZED: 'claim',
  CAPTURE: 'claim',
  CAPTURED: 'claim',
  PARTIALLY_CAPTURED: 'claim',
  VOID: 'release',
  AUTHORIZATION_VOIDED: 'release',
  REFUND: 'refund',
  REFUNDED: 'refund',
  PARTIALLY_REFUNDED: 'partial_refund',
  PARTIALLY_CAPTURED_REFUNDED: 'partial_refund',
};

/**
 * What a callback does. With a signed `event`, that event decides. Without one the call is
 * Dintero's "payment completed" callback, which can only claim; the transaction's `status` in the
 * body may still hold the claim back (`ON_HOLD`, `FAILED`, …), because holding back changes nothing
 * a later genuine callback cannot do. A body saying `VOID` or `REFUNDED` releases nothing.
 */
function actionOf(
  event: string | undefined,
  tx: CallbackTransaction | undefined,
): { event: string; action: Action; detail: string | null } {
  if (event !== undefined) return { event, action: ACTIONS[event] ?? 'ignore', detail: null };
  const status = tx?.status?.toUpperCase();
  if (status === undefined || ACTIONS[status] === 'claim')
    return { event: status ?? 'AUTHORIZE', action: 'claim', detail: null };
  const detail =
    ACTIONS[status] === undefined
      ? 'The transaction is not authorised or captured yet'
      : 'Only a signed event parameter releases a claim';
  return { event: status, action: 'ignore', detail };
}

const invalidBody = (code: string, message: string) => validationError([{ field: '(body)', code, message }]);

/**
 * A callback body, read only once the call is authorised: JSON, at most MAX_JSON_DEPTH levels
 * deep (anything deeper cannot be an honest Dintero object, and would break the RPC copy), an object.
 */
export function parseCallbackBody(text: string | undefined): unknown {
  if (text === undefined || !text.trim()) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid('The body is not valid JSON');
  }
  if (jsonDepthExceeds(body, MAX_JSON_DEPTH))
    throw invalidBody('depth', `Expected JSON nested at most ${MAX_JSON_DEPTH} levels deep`);
  if (!isPlainObject(body)) throw invalidBody('type', 'Expected a JSON object');
  return body;
}

const ACCOUNT_PREFIX = /^([PT]\d{8})\./;

/** Dintero ids start with the account id (`P12345678.…`); one naming another account is refused. */
function checkOwner(accountId: string, field: string, id: string | undefined) {
  const owner = id && ACCOUNT_PREFIX.exec(id)?.[1];
  if (owner && owner !== accountId) throw forbidden(`The ${field} belongs to another account`);
}

/**
 * A signed refund releases the claim unless the body shows it was partial. The body can only keep
 * a claim this way, never release one: without a body (or with one that shows nothing) a signed
 * `REFUND` counts as whole.
 */
function partialRefund(tx: CallbackTransaction | undefined): boolean {
  if (!tx) return false;
  if (tx.status === 'PARTIALLY_REFUNDED' || tx.status === 'PARTIALLY_CAPTURED_REFUNDED') return true;
  if (tx.status === 'REFUNDED') return false;
  const total = (kind: string) =>
    (tx.events ?? []).filter((e) => e.event === kind && e.success !== false).reduce((s, e) => s + (e.amount ?? 0), 0);
  const captured = total('CAPTURE');
  return captured > 0 && total('REFUND') < captured;
}

/** A plan stored from a session whose `order.merchant_reference` is the one the callback's query signs. */
const boundTo = (plan: StoredPlan, signedReference: string | undefined) =>
  signedReference !== undefined && plan.merchant_reference !== null && plan.merchant_reference === signedReference;

/**
 * Dintero Checkout's calls into an account (docs/checkout.md). Runs inside the account's object:
 * one RPC per callback, and a claim with its log entry is one transaction.
 */
export class CheckoutDesk {
  private opened?: { sealed: string; secret: string };

  constructor(private readonly deps: CheckoutDeps) {}

  /**
   * 401 for a bad or missing signature when a secret is set; 403 when none is set, unless unsigned
   * calls are allowed in settings and the Worker runs in development (RABATT_DEV=1).
   */
  async authorize(call: SignedCall): Promise<Authorized> {
    const sealed = this.deps.store.sealedSecret();
    if (sealed === null) {
      if (call.development && this.deps.allowUnsigned()) return { actor: 'unsigned-callback' };
      throw signatureNotConfigured();
    }
    if (this.opened?.sealed !== sealed) {
      const { plaintext, resealed } = await openRotating(this.deps.secretsKeys(), SIGNATURE_PURPOSE, sealed);
      const kept = resealed !== undefined && this.deps.store.resealSecret(sealed, resealed);
      this.opened = { sealed: kept ? resealed : sealed, secret: plaintext };
    }
    const check = await verifySignature(
      call.signature,
      this.opened.secret,
      call.accountId,
      call.method,
      new URL(call.url),
      Date.now() / 1000,
    );
    if (!check.ok) {
      const why = {
        missing: 'The Dintero-Signature header is missing',
        malformed: 'The Dintero-Signature header is malformed',
        stale: 'The signature is older than 5 minutes (or from the future)',
        mismatch: 'The signature does not match',
      }[check.reason];
      throw new DomainError('unauthorized', 'invalid_signature', why);
    }
    return {
      actor: CHECKOUT_ACTOR,
      digest: check.digest,
      signedAt: check.t * 1000,
      validUntil: (check.t + SIGNATURE_TOLERANCE_SECONDS) * 1000,
    };
  }

  /**
   * During a SECRETS_KEY rotation (SECRETS_KEY_PREVIOUS set): seals the stored secret again under
   * the current key when only the previous one opens it. The hourly cleanup calls it, so every
   * account is re-sealed within a cleanup cycle even without a callback (docs/deploy.md).
   */
  async resealSecret(): Promise<boolean> {
    const keys = this.deps.secretsKeys();
    const sealed = this.deps.store.sealedSecret();
    if (sealed === null || !keys.previous) return false;
    const opened = await openRotating(keys, SIGNATURE_PURPOSE, sealed).catch(() => undefined);
    return opened?.resealed !== undefined && this.deps.store.resealSecret(sealed, opened.resealed);
  }

  /** Evaluates a session as received and the plan its payment would claim. */
  private evaluateSession(session: DinteroSession, now: string, before?: SessionPlan, codes?: CodeOutcome) {
    const earlier = new Set(before?.applied);
    // Every `customer` line naming one of our rules is ours, whether or not the stored plan (24 h)
    // still remembers it; otherwise an old session would get the same discount twice.
    const ours = ({ discount_id: id, discount_type: type }: DinteroDiscountLine) =>
      id !== undefined && (earlier.has(id) || (type === 'customer' && this.deps.isRule(id)));
    const prepared = prepareSession(session, now, ours, before?.shipping);
    const result = this.deps.evaluate(parse(sessionReceiptSchema, prepared.receipt), now, codes);
    const plan: SessionPlan = {
      customer_id: result.receipt.customer_id ?? null,
      purchase_at: now,
      discounts: claimDiscounts(result),
      applied: result.receipt.discounts.map((d) => d.id),
    };
    return { prepared, result, plan };
  }

  async discountCodes(
    call: SignedCall,
    bodyText: string,
    nowMs: number,
    codes?: CodeOutcome,
  ): Promise<DiscountCodesAnswer> {
    const auth = await this.authorize(call);
    const body = parseCallbackBody(bodyText);
    if (body === undefined) throw invalidBody('required', 'Expected the session as a JSON object');
    const session = parse(dinteroSessionSchema, body);
    checkOwner(call.accountId, 'session', session.id);
    return oncePerSignature(this.deps, auth, session.id, bodyText, nowMs, async () =>
      this.answerDiscountCodes(auth, session, nowMs, codes),
    );
  }

  private answerDiscountCodes(
    auth: Authorized,
    session: DinteroSession,
    nowMs: number,
    outcome?: CodeOutcome,
  ): DiscountCodesAnswer {
    const now = new Date(nowMs).toISOString();
    const before = this.deps.store.session(session.id, nowMs);
    checkNotSuperseded(before?.signed_at, auth);
    const { prepared, result, plan } = this.evaluateSession(session, now, before, outcome);
    const codes = acceptedCodes(session.order.discount_codes ?? [], result, (id) => this.deps.discountCodeOf(id));
    const again = (rs: ReceiptInput[]) =>
      this.deps.evaluateEach(
        rs.map((r) => parse(sessionReceiptSchema, r)),
        now,
      );
    const answer = discountCodesAnswer(session, prepared, result, codes, this.deps.shippingRules() ? again : undefined);
    const stored = {
      ...plan,
      shipping: shippingMemoOf(prepared, answer),
      merchant_reference: session.order.merchant_reference ?? null,
      signed_at: auth.signedAt ?? null,
    };
    this.deps.tx(() => this.deps.store.saveSession(session.id, stored, nowMs));
    return answer;
  }

  async transactionCallback(
    call: SignedCall,
    query: Record<string, string>,
    bodyText: string | undefined,
    nowMs: number,
  ): Promise<CallbackAnswer> {
    const auth = await this.authorize(call);
    if (bodyText === undefined) return this.handleTransaction(call, auth.actor, query, undefined, nowMs);
    return oncePerSignature(this.deps, auth, '', bodyText, nowMs, () =>
      this.handleTransaction(call, auth.actor, query, bodyText, nowMs),
    );
  }

  private async handleTransaction(
    call: SignedCall,
    actor: string,
    query: Record<string, string>,
    bodyText: string | undefined,
    nowMs: number,
  ): Promise<CallbackAnswer> {
    const q = parse(callbackQuerySchema, query);
    const body = parseCallbackBody(bodyText);
    const tx = body === undefined ? undefined : parse(callbackTransactionSchema, body);
    const sessionBody = tx?.session === undefined ? undefined : parse(dinteroSessionSchema, tx.session);
    // The transaction acted on is the signed one; a body naming another is not this callback's.
    const transactionId = q.transaction_id;
    if (tx?.id !== undefined && transactionId !== undefined && tx.id !== transactionId)
      throw fieldError('id', 'Expected the transaction of this callback');
    const signedSession = q.session_id ?? q.sid;
    const sessionId = signedSession ?? tx?.session_id ?? sessionBody?.id;
    checkOwner(call.accountId, 'transaction', transactionId);
    checkOwner(call.accountId, 'session', sessionId);
    if (sessionBody && sessionId !== sessionBody.id)
      throw fieldError('session.id', 'Expected the session of this transaction');

    const decided =
      q.error && q.event === undefined
        ? { event: 'ERROR', action: 'ignore' as Action, detail: null }
        : actionOf(q.event?.toUpperCase(), tx);
    const { event, action } = decided;
    const entry = (
      outcome: CheckoutOutcome,
      claimId: string | null = null,
      detail: string | null = null,
    ): EventInput => ({
      transaction_id: transactionId ?? null,
      session_id: sessionId ?? null,
      event,
      event_id: q.event_id ?? null,
      outcome,
      claim_id: claimId,
      detail,
    });
    const log = (e: EventInput): CallbackAnswer => {
      const saved = this.deps.store.record(e, actor, nowMs);
      return { outcome: saved.outcome, claim_id: saved.claim_id, event_id: saved.id };
    };

    if (q.error)
      return this.deps.tx(() => log(entry('payment_error', null, 'Dintero reported an error; nothing claimed')));
    if (action === 'ignore') return this.deps.tx(() => log(entry('ignored', null, decided.detail)));
    if (!transactionId) throw fieldError('transaction_id', 'Expected the transaction_id query parameter');

    if (action !== 'claim') {
      return this.deps.tx(() => {
        const prior = this.deps.claims.byRef(transactionId);
        if (!prior) return log(entry('nothing_to_release'));
        // A callback releases only what checkout claimed: a till's claim whose ref happens to be
        // this transaction id is not Dintero's to give back (docs/security.md).
        if (prior.claim.created_by !== CHECKOUT_ACTOR)
          return log(entry('nothing_to_release', null, 'The claim under this transaction id was not made by checkout'));
        if (prior.claim.deleted_at) return log(entry('already_released', prior.claim.id));
        if (action === 'partial_refund' || (action === 'refund' && partialRefund(tx)))
          return log(entry('partial_refund_kept', prior.claim.id, 'A partial refund keeps the discounts claimed'));
        this.deps.claims.release(prior.claim.id, CHECKOUT_ACTOR, nowMs);
        return log(entry('released', prior.claim.id));
      });
    }

    const prior = this.deps.claims.byRef(transactionId);
    if (prior) return this.deps.tx(() => log(entry('already_claimed', prior.claim.id)));
    const stored = sessionId ? this.deps.store.session(sessionId, nowMs) : undefined;
    // The body is not signed: a session it names is claimed only when the signed query names it too,
    // or names the merchant_reference the plan was stored with (docs/security.md, issue 21 item 10).
    if (stored && !signedSession && !boundTo(stored, q.merchant_reference))
      throw fieldError('session_id', 'Expected the session_id query parameter (or the signed merchant_reference)');
    let plan: SessionPlan | undefined = stored;
    if (!plan) {
      if (!sessionBody) {
        if (!sessionId) throw fieldError('session_id', 'Expected the session_id query parameter');
        throw notFound('Checkout session');
      }
      // The body is not signed: its session may be claimed from only when the signed query names it.
      if (signedSession !== sessionBody.id)
        throw fieldError('session_id', 'Expected the session_id query parameter naming the session in the body');
      plan = this.evaluateSession(sessionBody, new Date(nowMs).toISOString()).plan;
    }
    if (!plan.discounts.length) return this.deps.tx(() => log(entry('nothing_to_claim')));
    const input: ClaimInput = {
      purchase_at: plan.purchase_at,
      ...(plan.customer_id !== null && { customer_id: plan.customer_id }),
      discounts: plan.discounts,
      type: CLAIM_TYPE,
    };
    const hash = await claimBodyHash(input);
    try {
      return this.deps.tx(() => {
        // Parallel deliveries of the same callback all got here; the first one to commit wins.
        const again = this.deps.claims.byRef(transactionId);
        if (again) return log(entry('already_claimed', again.claim.id));
        // The plan's own time (rabatt's evaluation of the session) judges dynamic windows.
        const evaluatedAt = Date.parse(plan.purchase_at);
        const { claim } = this.deps.claims.claim(input, transactionId, hash, CHECKOUT_ACTOR, nowMs, evaluatedAt);
        return log(entry('claimed', claim.id));
      });
    } catch (err) {
      // A limit reached since the shopper saw the price: retrying cannot help, so it is logged and answered 200.
      if (!(err instanceof DomainError) || err.kind !== 'refused') throw err;
      const reason = err.errors?.map((e) => `${e.field}: ${e.message}`).join('; ') ?? err.message;
      return this.deps.tx(() => log(entry('refused', null, reason)));
    }
  }
}
