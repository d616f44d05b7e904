import { describe, expect, it } from 'vitest';
import { call, json, tokenWith } from '../helpers';
import { merchant, session } from './helpers';

const SECRET = 'dintero-signature-secret-0001';
const sum = (xs: { amount: number }[]) => xs.reduce((s, x) => s + x.amount, 0);

describe('signature secret', async () => {
  const m = await merchant('T40000001');

  it('is admin-only, at least 16 characters, never returned', async () => {
    const readToken = await tokenWith(['read:discounts'], 'T40000001');
    expect(
      (await call('PUT', `${m.base}/checkout/signature`, { token: readToken, body: { secret: SECRET } })).status,
    ).toBe(403);
    const short = await json(
      call('PUT', `${m.base}/checkout/signature`, { token: m.token, body: { secret: 'too-short' } }),
    );
    expect(short.status).toBe(400);
    expect(short.body.error.errors[0].field).toBe('secret');
    const set = await m.setSecret(SECRET);
    expect(set).toMatchObject({ configured: true, updated_by: 'test-client' });
    const read = await json(call('GET', `${m.base}/checkout/signature`, { token: m.token }));
    expect(JSON.stringify(read.body)).not.toContain(SECRET);
    expect(read.body.configured).toBe(true);
  });

  it('a bad signature is 401 and changes nothing: wrong secret, missing header, stale, tampered query', async () => {
    await m.setSecret(SECRET);
    const body = session('T40000001.sig-session');
    const path = '/callback?transaction_id=T40000001.tx-sig&session_id=T40000001.sig-session';
    const attempts = [
      await m.dintero('POST', '/discount_codes', { secret: 'some-other-secret-000', body }),
      await m.dintero('POST', '/discount_codes', { secret: null, body }),
      await m.dintero('GET', path, { secret: SECRET, at: Date.now() / 1000 - 301 }),
      await m.dintero('GET', path, { secret: SECRET, at: Date.now() / 1000 + 301 }),
      await m.dintero('GET', path, {
        secret: SECRET,
        tamper: (u) => u.searchParams.set('transaction_id', 'T40000001.tx-other'),
      }),
      await m.dintero('GET', path, { secret: SECRET, signAs: 'T40000009' }),
    ];
    expect(attempts.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(attempts.every((a) => a.body.error.code === 'invalid_signature')).toBe(true);
    expect((await m.events('?session_id=T40000001.sig-session')).body).toEqual([]);
    // The signed session was never stored: a correctly signed callback for it finds nothing.
    expect((await m.dintero('GET', path, { secret: SECRET })).status).toBe(404);
  });

  it('without a secret callbacks are refused (unsigned only in development: see checkout.security)', async () => {
    const off = await json(call('DELETE', `${m.base}/checkout/signature`, { token: m.token }));
    expect(off.body).toEqual({ configured: false });
    const refused = await m.dintero('POST', '/discount_codes', { body: session('T40000001.unsigned') });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('signature_not_configured');
    const allowed = await json(
      call('PUT', `${m.base}/settings`, { token: m.token, body: { checkout: { allow_unsigned_callbacks: true } } }),
    );
    expect(allowed.status).toBe(400);
    expect((await m.dintero('POST', '/discount_codes', { body: session('T40000001.unsigned') })).status).toBe(403);
    // With a secret, unsigned calls are 401.
    await m.setSecret(SECRET);
    expect((await m.dintero('POST', '/discount_codes', { body: session('T40000001.unsigned') })).status).toBe(401);
  });
});

describe('discount codes, then the payment', async () => {
  const m = await merchant('T40000002');
  await m.setSecret(SECRET);
  const summer = await m.rule('Sommer 10 %', { type: 'discount_percent', value: 10 }, { discount_code: 'SUMMER' });
  const chairs = await m.rule(
    'Stoler 50,-',
    { type: 'discount_amount', value: 5000 },
    { item: { items: [{ group_id: 'garden' }] } },
  );
  await m.rule('Vinter 20 %', { type: 'discount_percent', value: 20 }, { discount_code: 'WINTER' }, ['someone-else']);
  const SESSION = 'T40000002.s-express';

  it('answers the order after discounts: valid code kept, unknown dropped, every item, amount = sum', async () => {
    const sent = session(SESSION, { discount_codes: ['SUMMER', 'NOPE', 'WINTER'] });
    const res = await m.dintero('POST', '/discount_codes', { secret: SECRET, body: sent });
    expect(res.status).toBe(200);
    const { order, shipping_options } = res.body;
    expect(order.discount_codes).toEqual(['SUMMER']);
    expect(shipping_options).toEqual(sent.express.shipping_options);
    expect(order.items.map((i: { line_id: string }) => i.line_id)).toEqual(['l-chair', 'l-table', 'l-gift']);
    expect(order.amount).toBe(sum(order.items));
    const [chair, table, gift] = order.items;
    // The gift card is not eligible: untouched.
    expect(gift).toMatchObject({ amount: 20000, discount_lines: [] });
    // The chair first gets its item discount, then its share of 10 % of the order.
    expect(chair.discount_lines.map((l: { discount_id: string }) => l.discount_id)).toEqual([chairs, summer]);
    expect(table.discount_lines.map((l: { discount_id: string }) => l.discount_id)).toEqual([summer]);
    for (const [item, before] of [
      [chair, 40000],
      [table, 60000],
    ] as const) {
      expect(item.amount).toBe(before - sum(item.discount_lines));
      expect(item.vat_amount).toBe(Math.round((item.amount * 25) / 125));
      for (const line of item.discount_lines)
        expect(line).toMatchObject({
          discount_type: 'customer',
          description: expect.any(String),
          line_id: expect.any(Number),
        });
    }
    expect(sum(chair.discount_lines) + sum(table.discount_lines)).toBe(5000 + 10000);
    expect(order.amount).toBe(120000 - 15000);
    // Dintero sends the order back as answered on the next edit: the same codes give the same order.
    const again = await m.dintero('POST', '/discount_codes', {
      secret: SECRET,
      body: { ...sent, order: { ...sent.order, items: order.items } },
    });
    expect(again.body.order).toEqual(order);
    // Taking the code away takes its discount away.
    const without = await m.dintero('POST', '/discount_codes', {
      secret: SECRET,
      body: { ...sent, order: { ...sent.order, items: order.items, discount_codes: [] } },
    });
    expect(without.body.order.discount_codes).toEqual([]);
    expect(without.body.order.amount).toBe(120000 - 5000);
  });

  it('the authorisation callback fired 20 times in parallel claims once; usage counted once', async () => {
    await m.dintero('POST', '/discount_codes', {
      secret: SECRET,
      body: session(SESSION, { discount_codes: ['SUMMER'] }),
    });
    const path =
      `/callback?transaction_id=T40000002.tx-1&session_id=${SESSION}` +
      `&merchant_reference=order-1&time=2026-06-01T12%3A00%3A00Z`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => m.dintero('GET', path, { secret: SECRET })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const outcomes = answers.map((a) => a.body.outcome).sort();
    expect(outcomes).toEqual(['already_claimed', ...Array(18).fill('already_claimed'), 'claimed'].sort());
    const claims = await m.claimsByRef('T40000002.tx-1');
    expect(claims).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body.claim_id))).toEqual(new Set([claims[0].id]));
    expect(claims[0]).toMatchObject({
      customer_id: 'c-anna',
      type: 'dintero_checkout',
      created_by: 'dintero-checkout',
    });
    expect(claims[0].discounts.map((d: { id: string }) => d.id).sort()).toEqual([summer, chairs].sort());
    expect((await m.statistics(summer)).usage).toBe(1);
    expect((await m.statistics(chairs)).usage).toBe(1);
    // A retry later, and the CAPTURE that follows, change nothing either.
    const capture = await m.dintero('GET', `${path}&event=CAPTURE`, { secret: SECRET });
    expect(capture.body.outcome).toBe('already_claimed');
    expect((await m.statistics(summer)).usage).toBe(1);
    const log = await m.events('?transaction_id=T40000002.tx-1&limit=100&total=true');
    expect(log.headers.get('total-count')).toBe('21');
    expect(log.body.filter((e: { outcome: string }) => e.outcome === 'claimed')).toHaveLength(1);
  });

  it('VOID releases the claim; a second VOID changes nothing', async () => {
    await m.dintero('POST', '/discount_codes', {
      secret: SECRET,
      body: session('T40000002.s-void', { discount_codes: ['SUMMER'], customer_id: 'c-void' }),
    });
    const base = '/callback?transaction_id=T40000002.tx-void&session_id=T40000002.s-void';
    const claimed = await m.dintero('GET', base, { secret: SECRET });
    expect(claimed.body.outcome).toBe('claimed');
    const before = (await m.statistics(summer)).usage;
    const voided = await m.dintero('GET', `${base}&event=VOID`, { secret: SECRET });
    expect(voided.body).toMatchObject({ outcome: 'released', claim_id: claimed.body.claim_id });
    expect((await m.statistics(summer)).usage).toBe(before - 1);
    const [claim] = await m.claimsByRef('T40000002.tx-void');
    expect(claim.deleted_at).toEqual(expect.any(String));
    const second = await m.dintero('GET', `${base}&event=VOID`, { secret: SECRET });
    expect(second.body.outcome).toBe('already_released');
    expect((await m.statistics(summer)).usage).toBe(before - 1);
    // A late authorisation retry does not claim again: the transaction's claim ref stays taken.
    expect((await m.dintero('GET', base, { secret: SECRET })).body.outcome).toBe('already_claimed');
    expect((await m.statistics(summer)).usage).toBe(before - 1);
  });

  it('a full REFUND releases; a partial one (per the POST body) keeps the claim', async () => {
    for (const [tx, body, outcome] of [
      ['T40000002.tx-partial', { id: 'T40000002.tx-partial', status: 'PARTIALLY_REFUNDED' }, 'partial_refund_kept'],
      [
        'T40000002.tx-events',
        {
          id: 'T40000002.tx-events',
          events: [
            { event: 'CAPTURE', amount: 10000, success: true },
            { event: 'REFUND', amount: 4000, success: true },
          ],
        },
        'partial_refund_kept',
      ],
      ['T40000002.tx-full', { id: 'T40000002.tx-full', status: 'REFUNDED' }, 'released'],
    ] as const) {
      const sid = `${tx}-session`;
      await m.dintero('POST', '/discount_codes', {
        secret: SECRET,
        body: session(sid, { discount_codes: ['SUMMER'] }),
      });
      expect(
        (await m.dintero('GET', `/callback?transaction_id=${tx}&session_id=${sid}&event=CAPTURE`, { secret: SECRET }))
          .body.outcome,
      ).toBe('claimed');
      const usage = (await m.statistics(summer)).usage;
      const refund = await m.dintero(
        'POST',
        `/callback?transaction_id=${tx}&session_id=${sid}&event=REFUND&method=POST`,
        { secret: SECRET, body },
      );
      expect(refund.status).toBe(200);
      expect(refund.body.outcome).toBe(outcome);
      // The outcome is what really happened to the claim and the counters.
      const [claim] = await m.claimsByRef(tx);
      if (outcome === 'released') {
        expect(claim.deleted_at).toEqual(expect.any(String));
        expect((await m.statistics(summer)).usage).toBe(usage - 1);
      } else {
        expect(claim.deleted_at).toBeUndefined();
        expect((await m.statistics(summer)).usage).toBe(usage);
      }
    }
  });

  it('a POST callback for a session never evaluated claims what its body shows', async () => {
    const sid = 'T40000002.s-body-only';
    const transaction = {
      id: 'T40000002.tx-body',
      session_id: sid,
      status: 'AUTHORIZED',
      amount: 120000,
      session: session(sid, { discount_codes: ['SUMMER'], customer_id: 'c-body' }),
    };
    const path = `/callback?transaction_id=T40000002.tx-body&session_id=${sid}&method=POST&includes=session`;
    const first = await m.dintero('POST', path, { secret: SECRET, body: transaction });
    expect(first.status).toBe(200);
    expect(first.body.outcome).toBe('claimed');
    const [claim] = await m.claimsByRef('T40000002.tx-body');
    expect(claim.customer_id).toBe('c-body');
    const summerRef = claim.discounts.find((d: { id: string }) => d.id === summer).refs[0];
    expect(summerRef).toMatchObject({ amount: 10000, usage: 1 });
    expect((await m.dintero('POST', path, { secret: SECRET, body: transaction })).body.outcome).toBe('already_claimed');
    // Without a body and without a stored session there is nothing to go on: 404, final.
    const unknown = await m.dintero('GET', '/callback?transaction_id=T40000002.tx-x&session_id=T40000002.s-unknown', {
      secret: SECRET,
    });
    expect(unknown.status).toBe(404);
  });

  it('error callbacks and other events claim nothing', async () => {
    const sid = 'T40000002.s-error';
    const usage = (await m.statistics(summer)).usage;
    await m.dintero('POST', '/discount_codes', { secret: SECRET, body: session(sid, { discount_codes: ['SUMMER'] }) });
    const failed = await m.dintero('GET', `/callback?error=failed&merchant_reference=order-9&session_id=${sid}`, {
      secret: SECRET,
    });
    expect(failed.body.outcome).toBe('payment_error');
    const initiate = await m.dintero(
      'GET',
      `/callback?transaction_id=T40000002.tx-err&session_id=${sid}&event=INITIATE`,
      { secret: SECRET },
    );
    expect(initiate.body.outcome).toBe('ignored');
    expect(await m.claimsByRef('T40000002.tx-err')).toEqual([]);
    const missing = await m.dintero('GET', `/callback?session_id=${sid}`, { secret: SECRET });
    expect(missing.status).toBe(400);
    expect(missing.body.error.errors[0].field).toBe('transaction_id');
    expect((await m.statistics(summer)).usage).toBe(usage);
  });

  it('a session without discounts is remembered and its payment claims nothing', async () => {
    const sid = 'T40000002.s-plain';
    const res = await m.dintero('POST', '/discount_codes', {
      secret: SECRET,
      body: session(sid, {
        items: [{ id: 'soap', line_id: '1', amount: 4900 }],
        discount_codes: ['NOPE'],
        customer_id: 'c-plain',
      }),
    });
    expect(res.body.order).toEqual({
      discount_codes: [],
      amount: 4900,
      items: [{ id: 'soap', line_id: '1', amount: 4900, discount_lines: [] }],
    });
    const paid = await m.dintero('GET', `/callback?transaction_id=T40000002.tx-plain&sid=${sid}`, { secret: SECRET });
    expect(paid.body).toMatchObject({ outcome: 'nothing_to_claim', claim_id: null });
  });

  it('lists handled callbacks newest first, with paging, for read scope', async () => {
    const readToken = await tokenWith(['read:discounts'], 'T40000002');
    const page1 = await json(call('GET', `${m.base}/checkout/events?limit=2`, { token: readToken }));
    expect(page1.status).toBe(200);
    expect(page1.body).toHaveLength(2);
    const page2 = await json(
      call('GET', `${m.base}/checkout/events?limit=2&starting_after=${page1.body[1].id}`, { token: readToken }),
    );
    expect(Date.parse(page2.body[0].created_at)).toBeLessThanOrEqual(Date.parse(page1.body[1].created_at));
    expect(page2.body.map((e: { id: string }) => e.id)).not.toContain(page1.body[0].id);
    const writeOnly = await tokenWith(['write:customers'], 'T40000002');
    expect((await call('GET', `${m.base}/checkout/events`, { token: writeOnly })).status).toBe(403);
    expect((await call('GET', `${m.base}/checkout/events?starting_after=nope`, { token: readToken })).status).toBe(400);
  });
});

describe("another account's session", async () => {
  const a = await merchant('T40000003');
  const b = await merchant('T40000004');
  await a.setSecret(SECRET);
  await b.setSecret('account-b-secret-00000');
  const summer = await a.rule('Sommer 10 %', { type: 'discount_percent', value: 10 }, { discount_code: 'SUMMER' });
  await b.rule('B 10 %', { type: 'discount_percent', value: 10 }, { discount_code: 'SUMMER' });

  it('is refused: 403 for ids naming another account, 404 for a session B never saw', async () => {
    await a.dintero('POST', '/discount_codes', {
      secret: SECRET,
      body: session('T40000003.s-a', { discount_codes: ['SUMMER'] }),
    });
    await a.dintero('POST', '/discount_codes', {
      secret: SECRET,
      body: session('plain-session-a', { discount_codes: ['SUMMER'] }),
    });
    const prefixed = await b.dintero('GET', '/callback?transaction_id=T40000004.tx-b&session_id=T40000003.s-a', {
      secret: 'account-b-secret-00000',
    });
    expect(prefixed.status).toBe(403);
    const foreignTx = await b.dintero('GET', '/callback?transaction_id=T40000003.tx-a&session_id=plain-session-a', {
      secret: 'account-b-secret-00000',
    });
    expect(foreignTx.status).toBe(403);
    const plain = await b.dintero('GET', '/callback?transaction_id=tx-b&session_id=plain-session-a', {
      secret: 'account-b-secret-00000',
    });
    expect(plain.status).toBe(404);
    // Signed with A's secret but sent to B: B's secret does not verify it.
    expect(
      (await b.dintero('GET', '/callback?transaction_id=tx-b&session_id=plain-session-a', { secret: SECRET })).status,
    ).toBe(401);
    expect(
      (await b.dintero('POST', '/discount_codes', { secret: 'account-b-secret-00000', body: session('T40000003.s-a') }))
        .status,
    ).toBe(403);
    expect((await a.statistics(summer)).usage).toBe(0);
    expect(await b.claimsByRef('tx-b')).toEqual([]);
  });
});
