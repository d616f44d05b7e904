import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, json } from '../helpers';
import { merchant, session } from './helpers';

/**
 * The callbacks' bodies are not signed (docs/checkout.md §2): whatever they say must never release
 * a claim, and whatever they are must not be read before the signature is checked.
 */
const SECRET = 'dintero-signature-secret-0005';
const sum = (xs: { amount: number }[]) => xs.reduce((s, x) => s + x.amount, 0);

describe('a replayed signed URL with a forged body', async () => {
  const m = await merchant('T40000005');
  await m.setSecret(SECRET);
  const summer = await m.rule('Sommer 10 %', { type: 'discount_percent', value: 10 }, { discount_code: 'SUMMER' });

  /** A session shown SUMMER and paid: its claim is made by the plain (event-less) callback. */
  const paid = async (name: string) => {
    const sid = `T40000005.s-${name}`;
    const tx = `T40000005.tx-${name}`;
    await m.dintero('POST', '/discount_codes', {
      secret: SECRET,
      body: session(sid, { discount_codes: ['SUMMER'], customer_id: `c-${name}` }),
    });
    const path = `/callback?transaction_id=${tx}&session_id=${sid}&method=POST`;
    const claimed = await m.dintero('POST', path, { secret: SECRET, body: { id: tx, status: 'AUTHORIZED' } });
    expect(claimed.body.outcome).toBe('claimed');
    return { sid, tx, path, claimId: claimed.body.claim_id as string };
  };

  it('without a signed event, a body saying REFUNDED or VOID releases nothing', async () => {
    const { tx, path, claimId } = await paid('forged');
    const usage = (await m.statistics(summer)).usage;
    for (const status of ['REFUNDED', 'AUTHORIZATION_VOIDED', 'VOID']) {
      const replay = await m.dintero('POST', path, { secret: SECRET, body: { id: tx, status } });
      expect(replay.status).toBe(200);
      expect(replay.body.outcome).toBe('ignored');
    }
    const [claim] = await m.claimsByRef(tx);
    expect(claim.id).toBe(claimId);
    expect(claim.deleted_at).toBeUndefined();
    expect((await m.statistics(summer)).usage).toBe(usage);
    const log = (await m.events(`?transaction_id=${tx}`)).body;
    expect(log[0].detail).toBe('Only a signed event parameter releases a claim');
  });

  it('a signed AUTHORIZE event with a body saying REFUNDED stays a claim', async () => {
    const { tx, sid, claimId } = await paid('forged-event');
    const replay = await m.dintero(
      'POST',
      `/callback?transaction_id=${tx}&session_id=${sid}&event=AUTHORIZE&method=POST`,
      {
        secret: SECRET,
        body: { id: tx, status: 'REFUNDED' },
      },
    );
    expect(replay.body).toMatchObject({ outcome: 'already_claimed', claim_id: claimId });
    expect((await m.claimsByRef(tx))[0].deleted_at).toBeUndefined();
  });

  it('a body can hold a claim back (ON_HOLD) but the next plain callback claims', async () => {
    const sid = 'T40000005.s-hold';
    const tx = 'T40000005.tx-hold';
    await m.dintero('POST', '/discount_codes', { secret: SECRET, body: session(sid, { discount_codes: ['SUMMER'] }) });
    const path = `/callback?transaction_id=${tx}&session_id=${sid}&method=POST`;
    expect((await m.dintero('POST', path, { secret: SECRET, body: { id: tx, status: 'ON_HOLD' } })).body.outcome).toBe(
      'ignored',
    );
    expect(await m.claimsByRef(tx)).toEqual([]);
    expect(
      (await m.dintero('POST', path, { secret: SECRET, body: { id: tx, status: 'AUTHORIZED' } })).body.outcome,
    ).toBe('claimed');
  });

  it(
    'a signed partial refund event keeps the claim even without a body; ' +
      'a body cannot turn a partial into a full one',
    async () => {
      const { tx, sid } = await paid('partial-event');
      for (const event of ['PARTIALLY_REFUNDED', 'PARTIALLY_CAPTURED_REFUNDED']) {
        const got = await m.dintero('GET', `/callback?transaction_id=${tx}&session_id=${sid}&event=${event}`, {
          secret: SECRET,
        });
        expect(got.body.outcome).toBe('partial_refund_kept');
        const forged = await m.dintero(
          'POST',
          `/callback?transaction_id=${tx}&session_id=${sid}&event=${event}&method=POST`,
          {
            secret: SECRET,
            body: { id: tx, status: 'REFUNDED' },
          },
        );
        expect(forged.body.outcome).toBe('partial_refund_kept');
      }
      expect((await m.claimsByRef(tx))[0].deleted_at).toBeUndefined();
      // A signed full REFUND still releases.
      expect(
        (await m.dintero('GET', `/callback?transaction_id=${tx}&session_id=${sid}&event=REFUND`, { secret: SECRET }))
          .body.outcome,
      ).toBe('released');
    },
  );

  it('the transaction released is the signed one: a body naming another is 400, a body alone names none', async () => {
    const victim = await paid('victim');
    const other = await paid('other');
    const mismatch = await m.dintero('POST', `/callback?transaction_id=${other.tx}&event=VOID&method=POST`, {
      secret: SECRET,
      body: { id: victim.tx },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.errors[0].field).toBe('id');
    const bodyOnly = await m.dintero('POST', '/callback?event=VOID&method=POST', {
      secret: SECRET,
      body: { id: victim.tx },
    });
    expect(bodyOnly.status).toBe(400);
    expect(bodyOnly.body.error.errors[0].field).toBe('transaction_id');
    expect((await m.claimsByRef(victim.tx))[0].deleted_at).toBeUndefined();
    expect((await m.claimsByRef(other.tx))[0].deleted_at).toBeUndefined();
  });
});

describe('an order that comes back after its session plan expired', async () => {
  const m = await merchant('T40000006');
  await m.setSecret(SECRET);
  const summer = await m.rule('Sommer 10 %', { type: 'discount_percent', value: 10 }, { discount_code: 'SUMMER' });
  const expire = (sid: string) =>
    runInDurableObject(env.ACCOUNTS.getByName('T40000006'), (_instance, state) => {
      state.storage.sql.exec('UPDATE checkout_sessions SET expires_at = 0 WHERE session_id = ?', sid);
    });

  it('is discounted once, not twice; merchant lines (and other ids) are kept', async () => {
    const sid = 'T40000006.s-old';
    const items = [
      {
        id: 'table',
        line_id: 'l-table',
        amount: 54000,
        vat: 25,
        discount_lines: [{ amount: 6000, discount_id: 'merchant-summer', discount_type: 'manual' }],
      },
      { id: 'lamp', line_id: 'l-lamp', amount: 40000, vat: 25 },
    ];
    const sent = session(sid, { items, discount_codes: ['SUMMER'] });
    const first = await m.dintero('POST', '/discount_codes', { secret: SECRET, body: sent });
    expect(first.status).toBe(200);
    expect(first.body.order.amount).toBe(94000 - 10000);
    await expire(sid);
    // Dintero sends the order back as answered, a day later: our lines are on it.
    const back = { ...sent, order: { ...sent.order, items: first.body.order.items } };
    const again = await m.dintero('POST', '/discount_codes', { secret: SECRET, body: back });
    expect(again.body.order).toEqual(first.body.order);
    const ours = again.body.order.items
      .flatMap((i: { discount_lines: { discount_id: string }[] }) => i.discount_lines)
      .filter((l: { discount_id: string }) => l.discount_id === summer);
    expect(sum(ours)).toBe(10000);
    // The same order as a session never seen here (no plan at all) is not discounted twice either.
    const fresh = await m.dintero('POST', '/discount_codes', {
      secret: SECRET,
      body: { ...back, id: 'T40000006.s-new' },
    });
    expect(fresh.body.order.amount).toBe(94000 - 10000);
    // And a payment of it claims what the shopper saw: 10 % once.
    await expire('T40000006.s-new');
    const paid = await m.dintero(
      'POST',
      '/callback?transaction_id=T40000006.tx-new&session_id=T40000006.s-new&method=POST&includes=session',
      {
        secret: SECRET,
        body: { id: 'T40000006.tx-new', status: 'AUTHORIZED', session: { ...back, id: 'T40000006.s-new' } },
      },
    );
    expect(paid.body.outcome).toBe('claimed');
    const [claim] = await m.claimsByRef('T40000006.tx-new');
    expect(claim.discounts.find((d: { id: string }) => d.id === summer).refs[0].amount).toBe(10000);
  });
});

describe('a deeply nested body', async () => {
  const m = await merchant('T40000007');
  await m.setSecret(SECRET);
  const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const raw = (path: string, body: string, secret: string | null) => m.dintero('POST', path, { secret, body });
  const paths = [
    '/discount_codes',
    '/callback?transaction_id=T40000007.tx-deep&session_id=T40000007.s-deep&method=POST',
  ];

  it('unsigned: 401 before the body is looked at (never a 500)', async () => {
    for (const path of paths) {
      for (const depth of [33, 10_000, 100_000]) {
        const res = await raw(path, nested(depth), null);
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('invalid_signature');
      }
    }
    const forged = await raw(paths[1]!, nested(10_000), 'some-other-secret-000');
    expect(forged.status).toBe(401);
  });

  it('signed: 400 naming the body beyond 32 levels; 32 levels are read', async () => {
    for (const path of paths) {
      for (const depth of [33, 10_000, 100_000]) {
        const res = await raw(path, nested(depth), SECRET);
        expect(res.status).toBe(400);
        expect(res.body.error.errors[0]).toMatchObject({ field: '(body)', code: 'depth' });
      }
    }
    // 32 levels pass the depth check (and fail the transaction schema only where it looks).
    const ok = await raw(
      paths[1]!,
      JSON.stringify({ id: 'T40000007.tx-deep', status: 'ON_HOLD', metadata: JSON.parse(nested(31)) }),
      SECRET,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.outcome).toBe('ignored');
  });

  it('malformed and non-object bodies are 400 after the signature, 401 before it', async () => {
    expect((await raw(paths[1]!, '{"a":', null)).status).toBe(401);
    expect((await raw(paths[1]!, '{"a":', SECRET)).status).toBe(400);
    const array = await raw(paths[1]!, '[]', SECRET);
    expect(array.status).toBe(400);
    expect(array.body.error.errors[0]).toMatchObject({ field: '(body)', code: 'type' });
    const empty = await json(
      call('POST', `${m.base}/checkout/discount_codes`, { body: '', headers: { 'content-type': 'application/json' } }),
    );
    expect(empty.status).toBe(401);
  });
});
