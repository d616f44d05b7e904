import { describe, expect, it } from 'vitest';
import { signatureHeader } from '../../shared/auth/signature';
import { BASE, call, json } from '../helpers';
import { merchant, session } from './helpers';

/**
 * Issue 21, items 9 and 10: merchants use one static discount-code URL, so shoppers whose calls
 * arrive in the same second share a Dintero signature. Each must get its own answer, and a
 * replayed signature must never change what another session's payment claims.
 */
const SECRET = 'same-second-signature-secret';
type Line = { discount_id: string; amount: number };
const linesOf = (order: { items: { discount_lines: Line[] }[] }) => order.items.flatMap((i) => i.discount_lines);

/** A discount-code call to the merchant's one static URL, signed at second `t` (the same header for everyone). */
async function staticUrl(aid: string, base: string) {
  const url = new URL(`${BASE}${base}/checkout/discount_codes`);
  const at = async (t: number) => {
    const header = await signatureHeader(SECRET, aid, 'POST', url, t);
    return (body: unknown) => json(call('POST', url.pathname, { body, headers: { 'dintero-signature': header } }));
  };
  return at;
}

describe('twenty shoppers in the same second on one URL (item 9)', () => {
  it('every session gets its own answer and its payment claims its own plan', async () => {
    const aid = 'T72100001';
    const m = await merchant(aid);
    await m.setSecret(SECRET);
    const summer = await m.rule('Sommer 10 %', { type: 'discount_percent', value: 10 }, { discount_code: 'SUMMER' });
    const send = await (await staticUrl(aid, m.base))(Math.floor(Date.now() / 1000));
    // Even sessions use the code, odd ones do not: the answers must differ by session.
    const sessions = Array.from({ length: 20 }, (_, i) =>
      session(`${aid}.s-${i}`, { discount_codes: i % 2 ? [] : ['SUMMER'], customer_id: `c-${i}` }),
    );
    const answers = await Promise.all(sessions.map((s) => send(s)));
    for (const [i, answer] of answers.entries()) {
      expect(answer.status, `session ${i}`).toBe(200);
      expect(answer.body.order.discount_codes).toEqual(i % 2 ? [] : ['SUMMER']);
      expect(answer.body.order.amount).toBe(i % 2 ? 120000 : 120000 - 10000);
    }
    // Dintero's retry of one of them (same signature, same body) gets that session's answer again.
    const retry = await send(sessions[4]);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(answers[4]!.body);
    // Each payment claims what its own shopper was shown.
    const paid = await Promise.all(
      sessions.map((_, i) =>
        m.dintero('GET', `/callback?transaction_id=${aid}.tx-${i}&session_id=${aid}.s-${i}`, { secret: SECRET }),
      ),
    );
    for (const [i, p] of paid.entries()) expect(p.body.outcome).toBe(i % 2 ? 'nothing_to_claim' : 'claimed');
    expect((await m.statistics(summer)).usage).toBe(10);
  });
});

describe('a replayed discount-code signature (item 9)', () => {
  it('cannot give its own session another plan: another body for the same session is 409', async () => {
    const aid = 'T72100002';
    const m = await merchant(aid);
    await m.setSecret(SECRET);
    await m.rule('Sommer 10 %', { type: 'discount_percent', value: 10 }, { discount_code: 'SUMMER' });
    const send = await (await staticUrl(aid, m.base))(Math.floor(Date.now() / 1000));
    const sid = `${aid}.s-anna`;
    expect((await send(session(sid, { discount_codes: ['SUMMER'] }))).status).toBe(200);
    // Another shopper in the same second is answered; the captured header with Anna's session id and
    // another body (her code taken off) is refused.
    expect((await send(session(`${aid}.s-ben`))).status).toBe(200);
    const forged = await send(session(sid, { discount_codes: [] }));
    expect(forged.status).toBe(409);
    expect(forged.body.error.code).toBe('signature_reused');
    const paid = await m.dintero('GET', `/callback?transaction_id=${aid}.tx-anna&session_id=${sid}`, {
      secret: SECRET,
    });
    expect(paid.body.outcome).toBe('claimed');
  });

  it("an older signature never replaces a session's newer plan", async () => {
    const aid = 'T72100003';
    const m = await merchant(aid);
    await m.setSecret(SECRET);
    await m.rule('Sommer 10 %', { type: 'discount_percent', value: 10 }, { discount_code: 'SUMMER' });
    const at = await staticUrl(aid, m.base);
    const now = Math.floor(Date.now() / 1000);
    const captured = await at(now - 60);
    const latest = await at(now);
    // Ben's call a minute ago was captured; Vera entered her code just now.
    expect((await captured(session(`${aid}.s-ben`))).status).toBe(200);
    const sid = `${aid}.s-vera`;
    expect((await latest(session(sid, { discount_codes: ['SUMMER'] }))).status).toBe(200);
    // Replaying Ben's header with Vera's session (code taken off) must not rewrite her plan.
    const replay = await captured(session(sid, { discount_codes: [] }));
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('conflict');
    // A call signed in the same second (another URL, so another signature) or later still replaces it.
    const sameSecond = await m.dintero('POST', '/discount_codes', {
      secret: SECRET,
      at: now,
      body: session(sid, { discount_codes: ['SUMMER', 'SAME'] }),
    });
    expect(sameSecond.status).toBe(200);
    const later = await at(now + 1);
    expect((await later(session(sid, { discount_codes: ['SUMMER', 'NOPE'] }))).status).toBe(200);
    const paid = await m.dintero('GET', `/callback?transaction_id=${aid}.tx-vera&session_id=${sid}`, {
      secret: SECRET,
    });
    expect(paid.body.outcome).toBe('claimed');
    expect((await m.claimsByRef(`${aid}.tx-vera`))[0].discounts).toHaveLength(1);
  });
});

describe('a callback whose signed query names no session (item 10)', () => {
  it("a replayed callback cannot claim another shopper's single-use discount through the body", async () => {
    const aid = 'T72100004';
    const m = await merchant(aid);
    await m.setSecret(SECRET);
    const once = await m.rule('Én gang 50,-', { type: 'discount_amount', value: 5000 }, {}, ['c-vera'], {
      limitation: { discount_repeat_usage: 1 },
    });
    const victim = `${aid}.s-vera`;
    const priced = await m.dintero('POST', '/discount_codes', {
      secret: SECRET,
      body: {
        ...session(victim, { customer_id: 'c-vera' }),
        order: { ...session(victim).order, merchant_reference: 'order-vera' },
      },
    });
    expect(linesOf(priced.body.order).map((l) => l.discount_id)).toContain(once);
    // The attacker's own signed callback (no session in its query) with Vera's session id in the body.
    const attack = await m.dintero('POST', `/callback?transaction_id=${aid}.tx-evil&merchant_reference=order-evil`, {
      secret: SECRET,
      body: { id: `${aid}.tx-evil`, status: 'AUTHORIZED', session_id: victim },
    });
    expect(attack.status).toBe(400);
    expect(attack.body.error.errors[0].field).toBe('session_id');
    expect(await m.claimsByRef(`${aid}.tx-evil`)).toEqual([]);
    expect((await m.statistics(once)).usage).toBe(0);
    // Without any merchant reference the body alone names no session either.
    const bare = await m.dintero('POST', `/callback?transaction_id=${aid}.tx-evil2`, {
      secret: SECRET,
      body: { id: `${aid}.tx-evil2`, status: 'AUTHORIZED', session_id: victim },
    });
    expect(bare.status).toBe(400);
    expect((await m.statistics(once)).usage).toBe(0);
    // Vera's real payment still claims her discount.
    const real = await m.dintero('GET', `/callback?transaction_id=${aid}.tx-vera&session_id=${victim}`, {
      secret: SECRET,
    });
    expect(real.body.outcome).toBe('claimed');
    expect((await m.statistics(once)).usage).toBe(1);
  });

  it('the binding made when the plan was stored (signed merchant_reference) selects it', async () => {
    const aid = 'T72100005';
    const m = await merchant(aid);
    await m.setSecret(SECRET);
    await m.rule('Ten off', { type: 'discount_amount', value: 1000 });
    const sid = `${aid}.s-bound`;
    const body = { ...session(sid), order: { ...session(sid).order, merchant_reference: 'order-bound' } };
    expect((await m.dintero('POST', '/discount_codes', { secret: SECRET, body })).status).toBe(200);
    const tx = `${aid}.tx-bound`;
    const paid = await m.dintero('POST', `/callback?transaction_id=${tx}&merchant_reference=order-bound`, {
      secret: SECRET,
      body: { id: tx, status: 'AUTHORIZED', session_id: sid },
    });
    expect(paid.status).toBe(200);
    expect(paid.body.outcome).toBe('claimed');
    const [logged] = (await m.events(`?transaction_id=${tx}`)).body;
    expect(logged.session_id).toBe(sid);
  });
});
