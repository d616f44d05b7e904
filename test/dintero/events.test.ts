/**
 * Contract: `POST /discounts/events` with Dintero's `Event` bodies and headers: `{token}` for
 * token_add / token_remove, `{receipt: {...Receipt, id, customer_id}}` for receipt_add.
 */
import { describe, expect, it } from 'vitest';
import { dinteroClient, givenDiscount, posReceipt, refOf, tillDiscount } from './dintero';

const token = {
  token_id: '983558fe-05bd-495f-92b5-9075d085db32',
  type: 'sha1:email',
  value: 'a1b79ef1a62d94ffa86b3f3d846df0ee3993af92',
  customer_id: 'C13db4f63',
};
const headers = (event: string) => ({ event, 'event-delivery': crypto.randomUUID() });

describe('Dintero contract: events', () => {
  it('aid_discounts_events_post: token_add and token_remove with {token}', async () => {
    const client = await dinteroClient();
    // rabatt links tokens to customers of its registry (docs/customers.md): the customer comes first.
    expect((await client.post('/customers/users', { customer_id: 'C13db4f63' })).status).toBe(200);
    await givenDiscount(client, tillDiscount(), ['C13db4f63']);
    const tokenReceipt = () => {
      const { customer_id: _c, ...receipt } = posReceipt('714120', undefined);
      return { ...receipt, customer: { token: { token_id: token.token_id, value: token.value, type: token.type } } };
    };
    expect((await client.post('/discounts/events', { token }, headers('token_add'))).status).toBe(204);
    const resolved = await client.post('/discounts/available_for_receipt', tokenReceipt());
    expect(resolved.body.customer_id).toBe('C13db4f63');
    expect(resolved.body.is_changed).toBe(true);

    expect((await client.post('/discounts/events', { token }, headers('token_remove'))).status).toBe(204);
    const unknown = await client.post('/discounts/available_for_receipt', tokenReceipt());
    expect(unknown.body.is_changed).toBe(false);
  });

  it("aid_discounts_events_post: receipt_add with Dintero's {receipt: {...}} records the purchase once", async () => {
    const client = await dinteroClient();
    const did = await givenDiscount(client, tillDiscount(), ['C7e0a11b2']);
    const ref = await refOf(client, 'C7e0a11b2', did);
    // Dintero's Event wraps the receipt and adds its own `id`; the receipt carries the discount lines
    // the till applied (here the 10 % the rule gives on both lines).
    const evaluated = await client.post('/discounts/available_for_receipt', posReceipt('714121', 'C7e0a11b2'));
    expect(evaluated.status).toBe(200);
    const event = { receipt: { ...evaluated.body, id: '4c8d2e1f-9a7b-4c3d-8e2f-1a0b9c8d7e6f' } };
    expect((await client.post('/discounts/events', event, headers('receipt_add'))).status).toBe(204);
    expect((await client.post('/discounts/events', event, headers('receipt_add'))).status).toBe(204);
    const held = await client.get(`/discounts/customers/C7e0a11b2/refs/${ref}`);
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ id: did, ref_id: ref, statistics: { usage: 1, amount: 5980 } });
  });
});
