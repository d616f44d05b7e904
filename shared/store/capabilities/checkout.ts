import type { CheckoutEventsQuery } from '../../schemas/checkout';
import type { Host } from '../account-base';
import type { CheckoutStore } from '../checkout';
import type { CheckoutDesk } from '../checkout-callbacks';
import type { SignedCall } from '../contract';
import type { CodeOutcome } from '../evaluation';

export interface CheckoutHost extends Pick<Host, 'tx' | 'listed'> {
  checkout: CheckoutStore;
  desk: CheckoutDesk;
}

/**
 * Dintero Checkout (docs/checkout.md): its callbacks are authorised by signature inside the
 * object, so each callback is one RPC and a claim with its log entry one transaction.
 */
export class CheckoutRpc {
  constructor(private readonly h: CheckoutHost) {}

  checkoutSignature() {
    return this.h.checkout.signatureStatus();
  }
  /** A secret lets Dintero's unauthenticated callbacks in: answered once the account is listed. */
  setCheckoutSecret(sealed: string, actor: string) {
    return this.h.listed(this.h.tx(() => this.h.checkout.setSecret(sealed, actor)));
  }
  deleteCheckoutSecret() {
    return this.h.tx(() => this.h.checkout.deleteSecret());
  }
  /**
   * The express discount-code callback, and how many of the session's codes matched nothing (the
   * Worker counts them, docs/codes.md). The body arrives as the raw text: it is parsed only after
   * the signature is checked.
   */
  async checkoutDiscountCodesCounted(call: SignedCall, bodyText: string, nowMs: number) {
    const codes: CodeOutcome = { misses: [] };
    const answer = await this.h.desk.discountCodes(call, bodyText, nowMs, codes);
    return { answer, misses: codes.misses.length };
  }
  checkoutCallback(call: SignedCall, query: Record<string, string>, bodyText: string | undefined, nowMs: number) {
    return this.h.desk.transactionCallback(call, query, bodyText, nowMs);
  }
  listCheckoutEvents(query: CheckoutEventsQuery) {
    return this.h.checkout.events(query);
  }
}
