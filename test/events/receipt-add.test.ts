import { describe, expect, it } from 'vitest';
import { accountApi, NOW } from '../claims/helpers';
import { json } from '../helpers';

const receipt = (id: string, customer: string) => ({
  receipt_id: id,
  purchase_at: NOW(),
  store: { id: 'sc029' },
  customer_id: customer,
  items: [{ id: 'A', line_id: 1, quantity: 1, gross_amount: 5000 }],
});

describe('POST /discounts/events receipt_add', () => {
  it("takes Dintero's Event shape {receipt: {...}} and the bare receipt alike", async () => {
    const api = await accountApi('T33100001');
    const did = await api.rule({ reward: { type: 'discount_amount', value: 500 } });
    await api.give(did, ['*']);

    // Dintero's Event: the receipt wrapped, with Dintero's `id` on it.
    const wrapped = { receipt: { ...receipt('e-1', 'kari'), id: 'a8f1c9e2-0b4d-4e55-9f0a-2c1d3e4f5a6b' } };
    expect((await api.event('receipt_add', wrapped)).status).toBe(204);
    expect(await api.ruleStats(did)).toMatchObject({ usage: 1, amount: 500 });
    // The same receipt again, wrapped or bare, counts once.
    expect((await api.event('receipt_add', wrapped)).status).toBe(204);
    expect((await api.event('receipt_add', receipt('e-1', 'kari'))).status).toBe(204);
    expect(await api.ruleStats(did)).toMatchObject({ usage: 1, amount: 500 });

    // The bare receipt keeps working.
    expect((await api.event('receipt_add', receipt('e-2', 'kari'))).status).toBe(204);
    expect(await api.ruleStats(did)).toMatchObject({ usage: 2, amount: 1000 });
    const ledger = (await api.usages(did)).body;
    expect(ledger.map((u: { source_ref: string }) => u.source_ref)).toEqual(['e-1', 'e-2']);
  });

  it('names the field inside the wrapper when the wrapped receipt is invalid', async () => {
    const api = await accountApi('T33100002');
    const bad = await json(api.event('receipt_add', { receipt: { receipt_id: 'e-3', store: { id: 'sc029' } } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.errors.map((e: { field: string }) => e.field)).toEqual(['receipt.purchase_at']);
    const extra = await json(api.event('receipt_add', { receipt: receipt('e-4', 'kari'), token: {} }));
    expect(extra.status).toBe(400);
    expect(extra.body.error.errors.map((e: { field: string }) => e.field)).toEqual(['token']);
  });
});
