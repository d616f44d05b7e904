import { describe, expect, it } from 'vitest';
import { call, json } from '../helpers';
import { merchant, session } from './helpers';

// A payment through Dintero Checkout claims every ref the evaluation touched, also those that take
// no money off the order: a stamp towards a stamp card, and a bonus (usage counted, price untouched).
const SECRET = 'dintero-signature-secret-0050';
const AID = 'T40000050';

describe('refs that take no amount, claimed through the signed callbacks', async () => {
  const m = await merchant(AID);
  await m.setSecret(SECRET);
  // Two tables bought earn the third free (the table line costs 60000).
  const card = await m.rule(
    'Third table free',
    { type: 'discount_item_percent', value: 100 },
    { item: { items: [{ id: 'table' }] }, stamp: 2 },
    ['c-stamp', 'c-repeat'],
  );
  const bonus = await m.rule('Bonus 10 %', { type: 'discount_percent', value: 10, effect: 'bonus' }, {}, ['c-bonus']);
  const cardOf = async (customer: string) => {
    const res = await json(call('GET', `${m.base}/discounts/customers/${customer}/rules`, { token: m.token }));
    expect(res.status).toBe(200);
    return res.body.find((r: { id: string }) => r.id === card)?.statistics;
  };
  /** One checkout: the discount-code callback evaluates the session, the authorisation callback pays it. */
  const buy = async (customer: string, n: number) => {
    const sid = `${AID}.s-${customer}-${n}`;
    const tx = `${AID}.tx-${customer}-${n}`;
    const evaluated = await m.dintero('POST', '/discount_codes', {
      secret: SECRET,
      body: session(sid, { customer_id: customer }),
    });
    expect(evaluated.status).toBe(200);
    const paid = await m.dintero('GET', `/callback?transaction_id=${tx}&session_id=${sid}`, { secret: SECRET });
    expect(paid.status).toBe(200);
    const [claim] = await m.claimsByRef(tx);
    return { order: evaluated.body.order, paid: paid.body, claim };
  };

  it('a purchase that earns a stamp but no reward yet records the stamp', async () => {
    for (const n of [1, 2]) {
      const { order, paid, claim } = await buy('c-stamp', n);
      // Nothing off the order yet ...
      expect(order.amount).toBe(120000);
      // ... but the payment is claimed with the stamp, and the card shows it.
      expect(paid.outcome).toBe('claimed');
      expect(claim.discounts).toEqual([
        { id: card, refs: [expect.objectContaining({ amount: 0, usage: 0, stamp: 1 })] },
      ]);
      expect(await cardOf('c-stamp')).toMatchObject({ stamp: n, current_stamp: n, usage: 0 });
    }
    // The stamps earned through checkout give the reward on the next purchase.
    const third = await buy('c-stamp', 3);
    expect(third.order.amount).toBe(120000 - 60000);
    expect(third.claim.discounts).toEqual([{ id: card, refs: [expect.objectContaining({ amount: 60000, usage: 1 })] }]);
    expect(await cardOf('c-stamp')).toMatchObject({ stamp: 0, current_stamp: 0, usage: 1 });
  });

  it('a repeated authorisation callback does not stamp twice', async () => {
    const sid = `${AID}.s-repeat`;
    const tx = `${AID}.tx-repeat`;
    await m.dintero('POST', '/discount_codes', { secret: SECRET, body: session(sid, { customer_id: 'c-repeat' }) });
    const path = `/callback?transaction_id=${tx}&session_id=${sid}`;
    const answers = await Promise.all(Array.from({ length: 5 }, () => m.dintero('GET', path, { secret: SECRET })));
    expect(answers.map((a) => a.body.outcome).filter((o) => o === 'claimed')).toHaveLength(1);
    expect(await cardOf('c-repeat')).toMatchObject({ stamp: 1, current_stamp: 1, usage: 0 });
  });

  it('a bonus takes no amount but counts its usage', async () => {
    const { order, paid, claim } = await buy('c-bonus', 1);
    expect(order.amount).toBe(120000);
    expect(paid.outcome).toBe('claimed');
    expect(claim.discounts).toEqual([{ id: bonus, refs: [expect.objectContaining({ amount: 0, usage: 1 })] }]);
    expect((await m.statistics(bonus)).usage).toBe(1);
  });
});
