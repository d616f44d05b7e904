import { createExecutionContext, listDurableObjectIds, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../functions/index';
import { signatureHeader } from '../../shared/auth/signature';
import { BASE, call, json } from '../helpers';
import { merchant, session } from './helpers';

/** Dintero Checkout's callbacks against forgery, replay and storage cost (issue 14, docs/security.md). */
const SECRET = 'a-dintero-signature-secret';
const someIp = () => `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;

/** The Worker as `wrangler dev` runs it from `.dev.vars`: with the development flag. */
async function devFetch(method: string, path: string, opts: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const request = new Request(BASE + path, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, { ...env, RABATT_DEV: '1' } as typeof env, ctx);
  await waitOnExecutionContext(ctx);
  return json(res);
}

describe('unsigned callbacks (item 3)', () => {
  it('the setting is refused and ignored unless the Worker runs with RABATT_DEV=1', async () => {
    const aid = 'T71420001';
    const m = await merchant(aid);
    await m.rule('Ten off', { type: 'discount_amount', value: 1000 });
    const turnOn = { checkout: { allow_unsigned_callbacks: true } };
    const refused = await json(call('PUT', `${m.base}/settings`, { token: m.token, body: turnOn }));
    expect(refused.status).toBe(400);
    expect(refused.body.error.errors[0].field).toBe('checkout.allow_unsigned_callbacks');

    // Turned on in development, the stored setting does nothing once the flag is gone.
    const dev = await devFetch('PUT', `${m.base}/settings`, { token: m.token, body: turnOn });
    expect(dev.status).toBe(200);
    expect(dev.body.checkout.allow_unsigned_callbacks).toBe(true);
    const unsigned = await m.dintero('POST', '/discount_codes', { body: session(`${aid}.s-1`) });
    expect(unsigned.status).toBe(403);
    expect(unsigned.body.error.code).toBe('signature_not_configured');
    const callback = await m.dintero('GET', `/callback?transaction_id=${aid}.tx-1&session_id=${aid}.s-1`);
    expect(callback.status).toBe(403);
    // With the flag, as in `wrangler dev`, it works.
    const inDev = await devFetch('POST', `${m.base}/checkout/discount_codes`, { body: session(`${aid}.s-2`) });
    expect(inDev.status).toBe(200);
  });

  it("a callback never releases a claim checkout did not make (a till's claim ref)", async () => {
    const aid = 'T71420002';
    const m = await merchant(aid);
    await m.setSecret(SECRET);
    const ruleId = await m.rule('Ten off', { type: 'discount_amount', value: 1000 }, {}, ['c-till']);
    const refs = (await json(call('GET', `${m.base}/discounts/rules/${ruleId}/customers`, { token: m.token }))).body;
    const tillRef = `${aid}.till-7-0001`;
    const claimed = await json(
      call('POST', `${m.base}/discounts/available_for_receipt/claims`, {
        token: m.token,
        body: {
          ref: tillRef,
          purchase_at: new Date().toISOString(),
          customer_id: 'c-till',
          discounts: [{ id: ruleId, refs: [{ id: refs[0].id, amount: 1000, usage: 1 }] }],
        },
      }),
    );
    expect(claimed.status).toBe(200);
    for (const event of ['VOID', 'REFUND']) {
      const res = await m.dintero('GET', `/callback?transaction_id=${tillRef}&event=${event}`, { secret: SECRET });
      expect(res.status).toBe(200);
      expect(res.body.outcome).not.toBe('released');
    }
    const [claim] = await m.claimsByRef(tillRef);
    expect(claim.deleted_at).toBeUndefined();
    expect((await m.statistics(ruleId)).usage).toBe(1);
  });
});

describe('signatures do not cover the body (item 7)', () => {
  it('one signature, one body per session: the same request again gets the same answer, another body 409', async () => {
    const aid = 'T71420003';
    const m = await merchant(aid);
    await m.setSecret(SECRET);
    await m.rule('Sommer 10 %', { type: 'discount_percent', value: 10 }, { discount_code: 'SUMMER' });
    const sid = `${aid}.s-replay`;
    const url = new URL(`${BASE}${m.base}/checkout/discount_codes`);
    const header = await signatureHeader(SECRET, aid, 'POST', url, Date.now() / 1000);
    const send = (body: unknown) =>
      json(call('POST', url.pathname, { body, headers: { 'dintero-signature': header } }));

    const first = await send(session(sid, { discount_codes: ['SUMMER'] }));
    expect(first.status).toBe(200);
    expect(first.body.order.discount_codes).toEqual(['SUMMER']);
    const again = await send(session(sid, { discount_codes: ['SUMMER'] }));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    // The captured header with another body for this session (without its code) is refused; another
    // session in the same second shares the signature and gets its own answer (issue 21, item 9).
    const forged = await send(session(sid, { discount_codes: [] }));
    expect(forged.status).toBe(409);
    expect(forged.body.error.code).toBe('signature_reused');
    expect((await send(session(`${aid}.s-other`))).status).toBe(200);
    // The stored plan is still the first one: the payment claims the code's discount.
    const paid = await m.dintero('GET', `/callback?transaction_id=${aid}.tx-replay&session_id=${sid}`, {
      secret: SECRET,
    });
    expect(paid.body.outcome).toBe('claimed');
    const unknown = await m.dintero('GET', `/callback?transaction_id=${aid}.tx-victim&session_id=${aid}.s-victim`, {
      secret: SECRET,
    });
    expect(unknown.status).toBe(404);
  });

  it('a transaction callback claims from a session in its body only when the signed query names it', async () => {
    const aid = 'T71420004';
    const m = await merchant(aid);
    await m.setSecret(SECRET);
    await m.rule('Ten off', { type: 'discount_amount', value: 1000 });
    const tx = `${aid}.tx-body`;
    const sid = `${aid}.s-body`;
    const body = { id: tx, status: 'AUTHORIZED', session: session(sid) };
    const unsignedSession = await m.dintero('POST', `/callback?transaction_id=${tx}`, { secret: SECRET, body });
    expect(unsignedSession.status).toBe(400);
    expect(unsignedSession.body.error.errors[0].field).toBe('session_id');
    expect(await m.claimsByRef(tx)).toHaveLength(0);

    const signedSession = await m.dintero('POST', `/callback?transaction_id=${tx}&session_id=${sid}`, {
      secret: SECRET,
      body,
    });
    expect(signedSession.body.outcome).toBe('claimed');
  });
});

describe('checkout amounts (item 6)', () => {
  it('a session amount above the API money cap is 400 naming the field', async () => {
    const aid = 'T71420005';
    const m = await merchant(aid);
    await m.setSecret(SECRET);
    const big = session(`${aid}.s-big`, {
      items: [{ id: 'yacht', line_id: 'l1', quantity: 1, amount: 10_000_000_000_000, vat_amount: 0, vat: 0 }],
    });
    const res = await m.dintero('POST', '/discount_codes', { secret: SECRET, body: big });
    expect(res.status).toBe(400);
    expect(res.body.error.errors.map((e: { field: string }) => e.field)).toContain('order.items.0.amount');
  });
});

describe('a never-used account (item 2)', () => {
  it('unsigned callbacks are refused without creating its account object', async () => {
    const aid = 'T71420006';
    const base = `/v1/accounts/${aid}/checkout`;
    const codes = await json(call('POST', `${base}/discount_codes`, { body: session(`${aid}.s-1`) }));
    expect(codes.status).toBe(403);
    const signed = await json(
      call('GET', `${base}/callback?transaction_id=${aid}.tx-1&event=VOID`, {
        headers: { 'dintero-signature': `t=${Math.floor(Date.now() / 1000)},v0-hmac-sha256=${'0'.repeat(64)}` },
      }),
    );
    expect(signed.status).toBe(403);
    expect(signed.body.error.code).toBe('signature_not_configured');
    const created = (await listDurableObjectIds(env.ACCOUNTS)).map((id) => id.toString());
    expect(created).not.toContain(env.ACCOUNTS.idFromName(aid).toString());
  });
});

describe('rate limit (item 8)', () => {
  it('callbacks from one address to one account get 429 with Retry-After past 100 in 10 s', async () => {
    const aid = 'T71420007';
    const m = await merchant(aid);
    await m.setSecret(SECRET);
    const ip = someIp();
    let limited: Response | undefined;
    let passed = 0;
    for (let i = 0; i < 250 && !limited; i++) {
      const res = await call('GET', `${m.base}/checkout/callback?transaction_id=${aid}.tx-${i}`, {
        headers: { 'cf-connecting-ip': ip },
      });
      if (res.status === 429) limited = res;
      else {
        passed++;
        await res.body?.cancel();
      }
    }
    expect(limited).toBeDefined();
    expect(passed).toBeGreaterThanOrEqual(100);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    await limited!.body?.cancel();
  });
});
