import { describe, expect, it } from 'vitest';
import { signatureHeader } from '../../shared/auth/signature';
import { BASE, call, json } from '../helpers';
import { merchant, session } from '../checkout/helpers';
import { codesApi } from './helpers';

/**
 * Code guessing is counted wherever codes are tried (issue 21, docs/codes.md): Checkout's
 * discount-code callback and `receipt_add` events, per account and address, like available_for_receipt.
 */
const ip = () => `10.21.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const SECRET = 'guess-test-signature-secret-0001';

/** Tries `next(i)` until a 429; returns how many calls were answered before it. */
async function untilLimited(next: (i: number) => Promise<{ status: number }>): Promise<number> {
  for (let i = 0; i < 40; i++) {
    const res = await next(i);
    if (res.status === 429) return i;
    expect(res.status, `call ${i}`).not.toBe(500);
  }
  throw new Error('no 429 within 40 misses');
}

describe('code guessing beyond available_for_receipt', () => {
  it("Checkout's discount-code callback: misses count per account and IP; then even a real code is 429", async () => {
    const aid = 'T21900001';
    const m = await merchant(aid);
    await m.setSecret(SECRET);
    await m.rule('real code', { type: 'discount_percent', value: 10 }, { discount_code: 'REAL' });
    let n = 0;
    const codes = async (codesSent: string[], from: string) => {
      const url = new URL(`${BASE}${m.base}/checkout/discount_codes?call=${++n}`);
      const signature = await signatureHeader(SECRET, aid, 'POST', url, Date.now() / 1000);
      const body = session(`${aid}.s-${n}`, { discount_codes: codesSent });
      return json(
        call('POST', url.pathname + url.search, {
          body,
          headers: { 'dintero-signature': signature, 'cf-connecting-ip': from },
        }),
      );
    };
    const guesser = ip();
    // A known code never counts.
    for (let i = 0; i < 22; i++) expect((await codes(['REAL'], guesser)).status).toBe(200);
    const answered = await untilLimited((i) => codes([`GUESS-${i}`], guesser));
    expect(answered).toBeGreaterThanOrEqual(20);
    const blocked = await codes(['REAL'], guesser);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('60');
    expect((await codes(['REAL'], ip())).status).toBe(200);
  });

  it('receipt_add: misses count; a blocked caller is 429, its receipt not recorded; no codes, no limit', async () => {
    const api = await codesApi('T21900002');
    await api.poolRule(['POOL-REAL']);
    const guesser = ip();
    const receiptAdd = (codesSent: string[] | undefined, from: string, receiptId?: string) =>
      json(
        call('POST', `/v1/accounts/${api.aid}/discounts/events`, {
          token: api.token,
          body: api.receipt(codesSent, receiptId ? { receipt_id: receiptId } : {}),
          headers: { event: 'receipt_add', 'cf-connecting-ip': from },
        }),
      );
    for (let i = 0; i < 22; i++) expect((await receiptAdd(['POOL-REAL'], guesser)).status).toBe(204);
    const answered = await untilLimited((i) => receiptAdd([`GUESS-${i}`], guesser));
    expect(answered).toBeGreaterThanOrEqual(20);
    const refused = await receiptAdd(['POOL-REAL'], guesser, 'r-blocked');
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    // Not recorded: sent again from another address it is the first time, so it uses the pool code.
    expect((await receiptAdd(undefined, guesser)).status).toBe(204);
    expect((await receiptAdd(['POOL-REAL'], ip(), 'r-blocked')).status).toBe(204);
  });
});
