// Shipping discounts end to end through HTTP (docs/shipping.md): a receipt line in the `shipping`
// group is discounted only by `discount_shipping` rules; the express callback prices the selected
// option and every other one, takes its own discount back on the next call, and the payment claims it.
import { describe, expect, it } from 'vitest';
import { call, json } from '../helpers';
import { merchant, session } from '../checkout/helpers';
import { accountApi, NOW } from '../claims/helpers';

const window = { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' };
const shippingLine = (gross: number, id = 'mail') => ({
  id,
  line_id: 9,
  gross_amount: gross,
  groups: [{ id: 'shipping' }],
});
const receipt = (goods: number, ship: Record<string, unknown>[]) => ({
  receipt_id: `r-${Math.random()}`,
  purchase_at: NOW(),
  store: { id: 'web' },
  customer_id: 'kari',
  items: [{ id: 'A', line_id: 1, gross_amount: goods }, ...ship],
});
const lineOff = (body: { items: { line_id: number; discount_lines: { amount: number }[] }[] }, lineId: number) =>
  body.items.find((i) => i.line_id === lineId)!.discount_lines.reduce((s, l) => s + l.amount, 0);

describe('discount_shipping in available_for_receipt', { timeout: 30_000 }, () => {
  it('discounts only shipping lines, over a goods total that leaves shipping out', async () => {
    const api = await accountApi('T23300001');
    const free = await api.rule({
      name: 'Fri frakt over 500,-',
      requirement: { ...window, gross_amount: 50_000 },
      reward: { type: 'discount_shipping', value: 100 },
    });
    const tenPercent = await api.rule({ reward: { type: 'discount_percent', value: 10 } });
    await api.give(free, ['*']);
    await api.give(tenPercent, ['*']);

    const got = (await api.evaluate(receipt(50_000, [shippingLine(9_900)]))).body;
    expect(lineOff(got, 9)).toBe(9_900);
    expect(lineOff(got, 1)).toBe(5_000); // 10 % of the goods only, never of shipping
    const ref = got.discounts.find((d: { id: string }) => d.id === free).refs[0];
    expect(ref).toMatchObject({ amount: 9_900, usage: 1, items: [{ line_id: 9, amount: 9_900, bonus: 0 }] });

    // 49,999 of goods plus 9,900 shipping is under 500,-: shipping does not count towards the minimum.
    const under = (await api.evaluate(receipt(49_999, [shippingLine(9_900)]))).body;
    expect(lineOff(under, 9)).toBe(0);
    expect(under.discounts.map((d: { id: string }) => d.id)).toEqual([tenPercent]);

    // The claim and release of a shipping discount are those of any discount.
    const claim = await api.claim({
      purchase_at: NOW(),
      customer_id: 'kari',
      discounts: [{ id: free, refs: [{ id: ref.id, amount: 9_900, usage: 1 }] }],
    });
    expect(claim.status).toBe(200);
    expect((await api.ruleStats(free)).amount).toBe(9_900);
    await api.release(claim.body.id);
    expect((await api.ruleStats(free)).amount).toBe(0);
  });

  it('honours shipping_option_ids and rounds a percent half up, never below zero', async () => {
    const api = await accountApi('T23300002');
    const half = await api.rule({
      requirement: { ...window, shipping_option_ids: ['express'] },
      reward: { type: 'discount_shipping', value: 50 },
    });
    await api.give(half, ['*']);
    const got = (
      await api.evaluate(receipt(1_000, [shippingLine(9_901, 'express'), { ...shippingLine(5_000), line_id: 10 }]))
    ).body;
    expect(lineOff(got, 9)).toBe(4_951);
    expect(lineOff(got, 10)).toBe(0);
    expect(lineOff(got, 1)).toBe(0);
  });

  it('refuses a bad shipping rule naming the field', async () => {
    const api = await accountApi('T23300003');
    for (const [body, field] of [
      [{ reward: { type: 'discount_shipping', value: 101 } }, 'reward'],
      [
        { requirement: { ...window, shipping_option_ids: [''] }, reward: { type: 'discount_shipping', value: 100 } },
        'requirement.shipping_option_ids.0',
      ],
    ] as const) {
      const res = await json(
        call('POST', `${api.base}/rules`, {
          token: api.token,
          body: { name: 'x', requirement: window, ...body },
        }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.errors[0].field).toBe(field);
    }
  });
});

describe('discount_shipping in the express discount-code callback', { timeout: 30_000 }, async () => {
  const AID = 'T23300011';
  const SECRET = 'shipping-secret-000000001';
  const m = await merchant(AID);
  await m.setSecret(SECRET);
  const free = await m.rule(
    'Fri frakt',
    { type: 'discount_shipping', value: 100 },
    { discount_code: 'FRAKT', shipping_option_ids: ['mail'] },
  );
  const half = await m.rule('Halv frakt', { type: 'discount_shipping', value: 50 }, { discount_code: 'HALV' });
  const options = [
    { id: 'mail', line_id: 'mail-1', amount: 9_900, vat_amount: 1_980, vat: 25, title: 'Posten', operator: 'Bring' },
    { id: 'express', line_id: 'express-1', amount: 19_900, vat_amount: 3_980, title: 'Express', operator: 'Bring' },
  ];
  const sum = (items: { amount: number }[]) => items.reduce((s, i) => s + i.amount, 0);
  const sent = (sid: string, codes: string[]) => {
    const s = session(`${AID}.${sid}`, { discount_codes: codes });
    return { ...s, order: { ...s.order, shipping_option: options[0] }, express: { shipping_options: options } };
  };

  it('prices every option and the selected one; order.amount adds the selected one after its discount', async () => {
    const res = await m.dintero('POST', '/discount_codes', { secret: SECRET, body: sent('s1', ['FRAKT']) });
    expect(res.status).toBe(200);
    const { order, shipping_options } = res.body;
    expect(order.discount_codes).toEqual(['FRAKT']);
    expect(shipping_options).toEqual([{ ...options[0], amount: 0, vat_amount: 0 }, options[1]]);
    expect(order.shipping_option).toEqual({ ...options[0], amount: 0, vat_amount: 0 });
    expect(order.amount).toBe(sum(order.items));
    expect(sum(order.items)).toBe(120_000);

    const halfRes = await m.dintero('POST', '/discount_codes', { secret: SECRET, body: sent('s2', ['HALV']) });
    expect(halfRes.body.shipping_options).toEqual([
      { ...options[0], amount: 4_950, vat_amount: 990 },
      { ...options[1], amount: 9_950, vat_amount: 1_990 },
    ]);
    expect(halfRes.body.order.amount).toBe(120_000 + 4_950);
  });

  it('takes its own shipping discount back when the session comes back without the code', async () => {
    const first = await m.dintero('POST', '/discount_codes', { secret: SECRET, body: sent('s3', ['HALV']) });
    // Dintero sends the session back as rabatt answered it, now without the code.
    const back = {
      ...sent('s3', []),
      order: { ...sent('s3', []).order, shipping_option: first.body.order.shipping_option },
      express: { shipping_options: first.body.shipping_options },
    };
    const again = await m.dintero('POST', '/discount_codes', { secret: SECRET, body: back });
    expect(again.status).toBe(200);
    expect(again.body.shipping_options).toEqual(options);
    expect(again.body.order.amount).toBe(120_000 + 9_900);
    // And with the code again (on the session as rabatt answered it last): the same discount.
    const third = await m.dintero('POST', '/discount_codes', {
      secret: SECRET,
      body: {
        ...back,
        order: {
          ...back.order,
          discount_codes: ['HALV'],
          shipping_option: again.body.order.shipping_option ?? options[0],
        },
        express: { shipping_options: again.body.shipping_options },
      },
    });
    expect(third.body.order.amount).toBe(120_000 + 4_950);
  });

  it('claims the shipping discount when the payment is authorised', async () => {
    const sid = `${AID}.s4`;
    await m.dintero('POST', '/discount_codes', { secret: SECRET, body: sent('s4', ['FRAKT']) });
    const tx = `${AID}.tx-4`;
    const res = await m.dintero('GET', `/callback?transaction_id=${tx}&session_id=${sid}&event=AUTHORIZE`, {
      secret: SECRET,
    });
    expect(res.body.outcome).toBe('claimed');
    const [claim] = await m.claimsByRef(tx);
    expect(claim.discounts).toEqual([{ id: free, refs: [expect.objectContaining({ amount: 9_900, usage: 1 })] }]);
    expect(half).toBeTruthy();
  });

  it('a session without shipping rules or a selected option answers as before', async () => {
    const s = session(`${AID}.plain`, { discount_codes: [] });
    const res = await m.dintero('POST', '/discount_codes', { secret: SECRET, body: s });
    expect(res.body.shipping_options).toEqual(s.express.shipping_options);
    expect(res.body.order).not.toHaveProperty('shipping_option');
  });
});
