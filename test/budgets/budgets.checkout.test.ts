// A budget spent between the shopper's price and the payment (docs/budgets.md): Dintero Checkout's
// payment callback answers `refused` and claims nothing; a void of a claimed payment gives back.
import { describe, expect, it } from 'vitest';
import { call, json } from '../helpers';
import { merchant, session } from '../checkout/helpers';

const SECRET = 'budget-checkout-secret-0001';
const AID = 'T23200041';

describe('a budget at checkout', { timeout: 30_000 }, async () => {
  const m = await merchant(AID);
  await m.setSecret(SECRET);
  const did = await m.rule('Spar 50,-', { type: 'discount_amount', value: 5_000 }, {}, ['*'], {
    limitation: { budget_amount: 8_000 },
  });
  const budget = async () =>
    (await json(call('GET', `${m.base}/discounts/rules/${did}`, { token: m.token }))).body.budget.amount;

  it('refuses the second payment whose price the spent budget no longer covers, and a void gives back', async () => {
    for (const n of [1, 2]) {
      const priced = await m.dintero('POST', '/discount_codes', { secret: SECRET, body: session(`${AID}.s-${n}`) });
      expect(sumOff(priced.body.order.items)).toBe(5_000);
    }
    const pay = (n: number, event = 'AUTHORIZE') =>
      m.dintero('GET', `/callback?transaction_id=${AID}.tx-${n}&session_id=${AID}.s-${n}&event=${event}`, {
        secret: SECRET,
      });
    expect((await pay(1)).body.outcome).toBe('claimed');
    expect(await budget()).toEqual({ limit: 8_000, used: 5_000, left: 3_000 });
    const second = await pay(2);
    expect(second.body).toMatchObject({ outcome: 'refused', claim_id: null });
    const [logged] = (await m.events(`?transaction_id=${AID}.tx-2`)).body;
    expect(logged.detail).toMatch(/budget_amount/);
    // A new price now offers what is left.
    const third = await m.dintero('POST', '/discount_codes', { secret: SECRET, body: session(`${AID}.s-3`) });
    expect(sumOff(third.body.order.items)).toBe(3_000);
    expect((await pay(1, 'VOID')).body.outcome).toBe('released');
    expect(await budget()).toEqual({ limit: 8_000, used: 0, left: 8_000 });
  });
});

function sumOff(items: { discount_lines: { amount: number }[] }[]) {
  return items.flatMap((i) => i.discount_lines).reduce((s, l) => s + l.amount, 0);
}
