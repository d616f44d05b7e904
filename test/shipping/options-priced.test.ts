// The express callback prices every shipping option by evaluating the session with that option as
// its shipping line (docs/shipping.md). One evaluation plus a per-option price would not do: which
// rules win depends on the option's price (exclusive rules), and so does what a budget leaves.
// These answers pin what each option costs, with customer refs, budgets and codes in play.
import { describe, expect, it } from 'vitest';
import { merchant, session } from '../checkout/helpers';

const AID = 'T23300021';
const SECRET = 'shipping-options-secret-0001';
const exclusive = { limitation: { discount_combination: 0 } };
const option = (id: string, amount: number, extra: Record<string, unknown> = {}) => ({
  id,
  line_id: `${id}-1`,
  amount,
  vat: 25,
  vat_amount: Math.round((amount * 25) / 125),
  title: id,
  ...extra,
});
const OPTIONS = [
  option('mail', 4_900),
  option('express', 19_900),
  option('home', 7_505),
  option('pickup', 0),
  option('locker', 3_000, { vat: undefined, vat_amount: 600 }),
];

describe('every express shipping option is priced by its own evaluation', { timeout: 60_000 }, async () => {
  const m = await merchant(AID);
  await m.setSecret(SECRET);
  // Exclusive: 5,000 off the goods, or free express / home delivery, whichever gives more.
  await m.rule('5000 off', { type: 'discount_amount', value: 5_000 }, { discount_code: 'BEST' }, ['*'], exclusive);
  await m.rule(
    'Free delivery',
    { type: 'discount_shipping', value: 100 },
    { discount_code: 'BEST', shipping_option_ids: ['express', 'home'] },
    ['*'],
    exclusive,
  );
  // Only for the session's customer: half off any option, and 10 % off lockers and home delivery
  // (of the price as sent, docs/semantics.md) within a budget of 500.
  await m.rule('Half', { type: 'discount_shipping', value: 50 }, { discount_code: 'STACK' }, ['c-anna']);
  await m.rule(
    'Locker 10 %',
    { type: 'discount_shipping', value: 10 },
    { discount_code: 'STACK', shipping_option_ids: ['locker', 'home'] },
    ['*'],
    { limitation: { budget_amount: 500 } },
  );

  const priced = async (sid: string, codes: string[], customer = 'c-anna') => {
    const s = session(`${AID}.${sid}`, { discount_codes: codes, customer_id: customer });
    const body = { ...s, order: { ...s.order, shipping_option: OPTIONS[0] }, express: { shipping_options: OPTIONS } };
    const res = await m.dintero('POST', '/discount_codes', { secret: SECRET, body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const amounts = Object.fromEntries(
      res.body.shipping_options.map((o: { id: string; amount: number; vat_amount: number }) => [
        o.id,
        [o.amount, o.vat_amount],
      ]),
    );
    return { amounts, order: res.body.order };
  };

  it('exclusive rules: the option’s price decides whether free delivery beats 5,000 off the goods', async () => {
    const { amounts, order } = await priced('best', ['BEST']);
    expect(amounts).toEqual({
      mail: [4_900, 980], // free delivery does not cover mail: the goods rule wins, mail as sent
      express: [0, 0], // 19,900 free beats 5,000 off the goods
      home: [0, 0], // 7,505 free beats 5,000
      pickup: [0, 0],
      locker: [3_000, 600],
    });
    // The selected option (mail): 5,000 off the goods.
    expect(order.amount).toBe(120_000 - 5_000 + 4_900);
  });

  it('stacked shipping rules, customer refs and a budget price each option on its own line', async () => {
    const { amounts, order } = await priced('stack', ['STACK']);
    expect(amounts).toEqual({
      mail: [2_450, 490], // half
      express: [9_950, 1_990], // half
      home: [3_252, 650], // half of 7,505 = 3,753 (half up), 10 % = 751 cut to the budget's 500
      pickup: [0, 0],
      locker: [1_200, 240], // half of 3,000 and 10 % of 3,000 (VAT scaled from the sent vat_amount)
    });
    expect(order.amount).toBe(120_000 + 2_450);
  });

  it('a shopper without the customer ref gets only the rules given to everyone', async () => {
    const { amounts } = await priced('other', ['STACK'], 'c-bob');
    expect(amounts).toEqual({
      mail: [4_900, 980],
      express: [19_900, 3_980],
      home: [7_005, 1_401], // 10 % of 7,505 = 751, cut to the budget's 500
      pickup: [0, 0],
      locker: [2_700, 540],
    });
  });
});

describe('a session at the item limit with a shipping option', { timeout: 60_000 }, () => {
  it('is answered: the shipping line is the receipt’s line 1001, not an item too many', async () => {
    const aid = 'T23300022';
    const m = await merchant(aid);
    await m.setSecret(SECRET);
    await m.rule('Half', { type: 'discount_shipping', value: 50 }, { discount_code: 'HALF' });
    const items = Array.from({ length: 1000 }, (_, i) => ({ id: `i${i}`, line_id: `l${i}`, quantity: 1, amount: 100 }));
    const s = session(`${aid}.full`, { items, discount_codes: ['HALF'] });
    const options = [option('mail', 4_900), option('express', 19_900)];
    const body = { ...s, order: { ...s.order, shipping_option: options[0] }, express: { shipping_options: options } };
    const res = await m.dintero('POST', '/discount_codes', { secret: SECRET, body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.order.amount).toBe(100_000 + 2_450);
    expect(res.body.shipping_options.map((o: { amount: number }) => o.amount)).toEqual([2_450, 9_950]);
  });
});
