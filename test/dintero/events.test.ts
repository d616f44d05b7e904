/**
 * Contract: `POST /discounts/events` with Dintero's `Event` bodies and headers. `receipt_add` with
 * Dintero's `{receipt: {...}}` body is issue 13's item 1, tested with it (test/events/).
 */
import { describe, expect, it } from 'vitest';
import { dinteroClient, givenDiscount, posReceipt, tillDiscount } from './dintero';

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
});
