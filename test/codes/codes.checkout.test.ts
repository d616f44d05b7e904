import { describe, expect, it } from 'vitest';
import { call, json } from '../helpers';
import { merchant, session } from '../checkout/helpers';

const SECRET = 'codes-checkout-secret-0001';

describe('a pool rule in Dintero Checkout', async () => {
  const m = await merchant('T23000003');
  await m.setSecret(SECRET);
  const did = await m.rule('Nyhetsbrev 10 %', { type: 'discount_percent', value: 10 });
  const added = await json(
    call('POST', `${m.base}/discounts/rules/${did}/codes`, { token: m.token, body: { codes: ['NL-1'] } }),
  );
  expect(added.status).toBe(200);
  const codes = async () =>
    (await json(call('GET', `${m.base}/discounts/rules/${did}/codes`, { token: m.token }))).body;

  it('express keeps the pool code and discounts; the payment claims one use; VOID gives it back', async () => {
    const sid = 'T23000003.s-1';
    const express = await m.dintero('POST', '/discount_codes', {
      secret: SECRET,
      body: session(sid, { discount_codes: ['NL-1', 'GUESS'] }),
    });
    expect(express.status).toBe(200);
    expect(express.body.order.discount_codes).toEqual(['NL-1']);
    // 10 % of chair 40000 + table 60000 (the gift card is not eligible).
    expect(express.body.order.amount).toBe(110000);
    const base = `/callback?transaction_id=T23000003.tx-1&session_id=${sid}`;
    const claimed = await m.dintero('GET', base, { secret: SECRET });
    expect(claimed.body.outcome).toBe('claimed');
    const [claim] = await m.claimsByRef('T23000003.tx-1');
    expect(claim.discounts).toEqual([expect.objectContaining({ id: did, code: 'NL-1' })]);
    expect((await codes())[0]).toMatchObject({ code: 'NL-1', used: 1 });

    // Used up: another session with the same code gets nothing, and its payment claims nothing.
    const other = await m.dintero('POST', '/discount_codes', {
      secret: SECRET,
      body: session('T23000003.s-2', { discount_codes: ['NL-1'], customer_id: 'c-bent' }),
    });
    expect(other.body.order.discount_codes).toEqual([]);

    const voided = await m.dintero('GET', `${base}&event=VOID`, { secret: SECRET });
    expect(voided.body.outcome).toBe('released');
    expect((await codes())[0]).toMatchObject({ code: 'NL-1', used: 0 });
  });

  it('two sessions that both saw the code: the first payment claims it, the second is refused', async () => {
    await json(call('POST', `${m.base}/discounts/rules/${did}/codes`, { token: m.token, body: { codes: ['NL-2'] } }));
    for (const s of ['a', 'b']) {
      const res = await m.dintero('POST', '/discount_codes', {
        secret: SECRET,
        body: session(`T23000003.s-${s}`, { discount_codes: ['NL-2'], customer_id: `c-${s}` }),
      });
      expect(res.body.order.discount_codes).toEqual(['NL-2']);
    }
    const pay = (s: string) =>
      m.dintero('GET', `/callback?transaction_id=T23000003.tx-${s}&session_id=T23000003.s-${s}`, { secret: SECRET });
    const [a, b] = await Promise.all([pay('a'), pay('b')]);
    expect([a.body.outcome, b.body.outcome].sort()).toEqual(['claimed', 'refused']);
    const row = (await codes()).find((c: { code: string }) => c.code === 'NL-2');
    expect(row.used).toBe(1);
  });
});
