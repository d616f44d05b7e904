/**
 * Express discount-code callback: `order.amount` is what the shopper pays after discounts,
 * including the selected shipping option, as Dintero's express sample computes it.
 */
import { describe, expect, it } from 'vitest';
import { merchant, session } from './helpers';

const SECRET = 'express-shipping-secret-0001';
const AID = 'T40000021';
const sum = (items: { amount: number }[]) => items.reduce((s, i) => s + i.amount, 0);

describe('express discount codes with shipping', async () => {
  const m = await merchant(AID);
  await m.setSecret(SECRET);
  await m.rule('Sommer 10 %', { type: 'discount_percent', value: 10 }, { discount_code: 'SUMMER' });

  it('adds the selected shipping option to order.amount and answers shipping_options at the top level', async () => {
    const sent = session(`${AID}.with-shipping`, { discount_codes: ['SUMMER'] });
    const shipping = sent.express.shipping_options[0]!;
    const body = { ...sent, order: { ...sent.order, shipping_option: shipping } };
    const res = await m.dintero('POST', '/discount_codes', { secret: SECRET, body });
    expect(res.status).toBe(200);
    const { order, shipping_options } = res.body;
    expect(shipping_options).toEqual(sent.express.shipping_options);
    expect(order.discount_codes).toEqual(['SUMMER']);
    // 10 % of the eligible 100,000 (chairs and table; the gift card is not eligible) = 10,000 off.
    expect(sum(order.items)).toBe(120000 - 10000);
    expect(order.amount).toBe(sum(order.items) + 9900);
    expect(Number.isInteger(order.amount)).toBe(true);
  });

  it('without a selected shipping option the amount is the items after discounts', async () => {
    const sent = session(`${AID}.no-shipping`, { discount_codes: ['SUMMER'] });
    const res = await m.dintero('POST', '/discount_codes', { secret: SECRET, body: sent });
    expect(res.status).toBe(200);
    expect(res.body.order.amount).toBe(sum(res.body.order.items));
    expect(res.body.shipping_options).toEqual(sent.express.shipping_options);
  });

  it('refuses a shipping amount that is not whole minor units', async () => {
    const sent = session(`${AID}.bad-shipping`, { discount_codes: ['SUMMER'] });
    const body = { ...sent, order: { ...sent.order, shipping_option: { id: 'mail', amount: 99.5 } } };
    const res = await m.dintero('POST', '/discount_codes', { secret: SECRET, body });
    expect(res.status).toBe(400);
    expect(res.body.error.errors.map((e: { field: string }) => e.field)).toEqual(['order.shipping_option.amount']);
  });
});
