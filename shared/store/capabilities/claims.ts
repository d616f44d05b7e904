import type { Receipt } from '../../engine/types';
import type { ClaimInput, ClaimListQuery } from '../../schemas/claim';
import type { ReceiptInput } from '../../schemas/receipt';
import type { Host } from '../account-base';
import type { ClaimStore, KeptClaim } from '../claims';
import type { CodeOutcome, ReceiptEvaluator } from '../evaluation';
import type { EventWrites } from './automations';

export interface ClaimsHost extends Pick<Host, 'tx'> {
  claims: ClaimStore;
  evaluator: ReceiptEvaluator;
  events: EventWrites;
}

/** Claims and completed receipts (docs/claims.md): what a purchase used, exactly once. */
export class ClaimsRpc {
  constructor(private readonly h: ClaimsHost) {}

  createClaim(input: ClaimInput, ref: string | null, bodyHash: string, actor: string) {
    return this.h.tx(() => this.h.claims.claim(input, ref, bodyHash, actor));
  }
  /** An import's claim, kept as its source holds it (ClaimStore.keep). */
  keepClaim(input: ClaimInput, ref: string | null, bodyHash: string, kept: KeptClaim, actor: string) {
    return this.h.tx(() => this.h.claims.keep(input, ref, bodyHash, actor, kept));
  }
  getClaim(claimId: string) {
    return this.h.claims.get(claimId);
  }
  claimByRef(ref: string) {
    return this.h.claims.byRef(ref) ?? null;
  }
  listClaims(query: ClaimListQuery) {
    return this.h.claims.list(query);
  }
  releaseClaim(claimId: string, actor: string) {
    return this.h.tx(() => this.h.claims.release(claimId, actor));
  }
  /**
   * `receipt_add`: evaluates a completed receipt exactly as available_for_receipt does (customer
   * by id or token) and records what it grants, once per (store, receipt id), in one transaction.
   */
  recordReceipt(receipt: ReceiptInput, actor: string) {
    return this.h.events.write((fire) => {
      if (this.h.claims.receiptRecorded(receipt)) return { recorded: false, refs: 0, misses: 0 };
      // Codes that match nothing are counted by the Worker against the guessing limit (docs/codes.md).
      const codes: CodeOutcome = { misses: [] };
      const result = this.h.evaluator.evaluate(receipt, new Date().toISOString(), false, codes);
      const customerId = result.receipt.customer_id ?? null;
      // Automations see a receipt once, like its stamps and usage: keyed by store and receipt id.
      const id = `receipt:${receipt.store.id}:${receipt.receipt_id}`;
      fire({ name: 'receipt_add', id, payload: receipt, customerId });
      return {
        ...this.h.claims.recordReceipt(receipt as Receipt, customerId, result, actor),
        misses: codes.misses.length,
      };
    }, actor);
  }
}
