// Stamp cards at their edges, through HTTP: what a receipt earns from weighed goods, and a stamp
// exactly stamp_expire_days old at the purchase (the engine offers it and storage spends it).
import { describe, expect, it } from 'vitest';
import { accountApi } from './helpers';

const DAY = 86_400_000;
const stampRule = (stamp: number, limitation: Record<string, unknown> = {}) => ({
  name: 'Tenth coffee free',
  requirement: {
    purchase_from: '2020-01-01T00:00:00Z',
    purchase_to: '2099-01-01T00:00:00Z',
    item: { items: [{ id: 'coffee' }] },
    stamp,
  },
  reward: { type: 'discount_item_percent', value: 100 },
  limitation,
});
const receipt = (id: string, customer: string, atMs: number, quantity = 1) => ({
  receipt_id: id,
  purchase_at: new Date(atMs).toISOString(),
  store: { id: 'store-1' },
  customer_id: customer,
  items: [{ id: 'coffee', line_id: 1, quantity, gross_amount: 3500 }],
});

describe('stamp edges', { timeout: 30_000 }, () => {
  it('receipt_add with a weighed quantity earns whole stamps only (2.7 units: 2 stamps)', async () => {
    const api = await accountApi('T33500001');
    const did = await api.rule(stampRule(5));
    const [refId] = await api.give(did, ['kari']);
    expect((await api.event('receipt_add', receipt('w-1', 'kari', Date.now() - 60_000, 2.7))).status).toBe(204);
    expect((await api.ref('kari', refId!)).body.statistics).toMatchObject({ stamp: 2, current_stamp: 2 });
    const ledger = (await api.usages(did)).body;
    expect(ledger.map((u: { source_ref: string; stamp: number }) => [u.source_ref, u.stamp])).toEqual([['w-1', 2]]);
    // Under one whole unit earns nothing and writes no ledger row.
    expect((await api.event('receipt_add', receipt('w-2', 'kari', Date.now() - 60_000, 0.9))).status).toBe(204);
    expect((await api.usages(did)).body).toHaveLength(1);
  });

  it('a stamp exactly stamp_expire_days old at the purchase is offered and spent', async () => {
    const api = await accountApi('T33500002');
    const did = await api.rule(stampRule(2, { stamp_expire_days: 30 }));
    const [refId] = await api.give(did, ['ola']);
    const purchase = Date.now() - 60_000;
    expect((await api.event('receipt_add', receipt('e-old', 'ola', purchase - 30 * DAY))).status).toBe(204);
    expect((await api.event('receipt_add', receipt('e-new', 'ola', purchase - DAY))).status).toBe(204);
    const full = await api.evaluate(receipt('e-reward', 'ola', purchase));
    expect(full.body.discounts.find((d: { id: string }) => d.id === did)?.refs[0]).toMatchObject({
      amount: 3500,
      usage: 1,
    });
    // Recording it spends both stamps: storage agrees with the engine that the old one counts.
    expect((await api.event('receipt_add', receipt('e-reward', 'ola', purchase))).status).toBe(204);
    expect((await api.ref('ola', refId!)).body.statistics).toMatchObject({ stamp: 0, usage: 1, amount: 3500 });
  });

  it('one millisecond older and the card is one stamp short', async () => {
    const api = await accountApi('T33500003');
    const did = await api.rule(stampRule(2, { stamp_expire_days: 30 }));
    await api.give(did, ['per']);
    const purchase = Date.now() - 60_000;
    expect((await api.event('receipt_add', receipt('o-old', 'per', purchase - 30 * DAY - 1))).status).toBe(204);
    expect((await api.event('receipt_add', receipt('o-new', 'per', purchase - DAY))).status).toBe(204);
    const short = await api.evaluate(receipt('o-next', 'per', purchase));
    expect(short.body.discounts.find((d: { id: string }) => d.id === did)?.refs[0]).toMatchObject({
      amount: 0,
      stamp: 1,
    });
  });
});
