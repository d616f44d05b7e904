import { describe, expect, it } from 'vitest';
import { accountApi, NOW } from './helpers';

const DAY = 86_400_000;
const stampRule = (stamp: number, limitation: Record<string, unknown> = {}) => ({
  name: 'Tenth coffee free',
  requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z', item: { items: [{ id: 'coffee' }] }, stamp },
  reward: { type: 'discount_item_percent', value: 100 },
  limitation,
});
const receipt = (id: string, customer: string, at = NOW()) => ({
  receipt_id: id,
  purchase_at: at,
  store: { id: 'store-1' },
  customer_id: customer,
  items: [{ id: 'coffee', line_id: 1, quantity: 1, gross_amount: 3500, eligible_for_discount: true }],
});

/** What the engine offers this receipt for `did`: `{amount, stamp, usage}` of its ref, or undefined. */
async function offer(api: Awaited<ReturnType<typeof accountApi>>, did: string, r: ReturnType<typeof receipt>) {
  const res = await api.evaluate(r);
  expect(res.status).toBe(200);
  return res.body.discounts.find((d: { id: string }) => d.id === did)?.refs[0];
}

describe('stamp cards through claims', { timeout: 30_000 }, () => {
  it('reaches its reward after the required purchases and not before', async () => {
    const api = await accountApi('T33000001');
    const did = await api.rule(stampRule(3));
    const [refId] = await api.give(did, ['sara']);
    for (let i = 1; i <= 3; i++) {
      const r = receipt(`s-${i}`, 'sara');
      const ref = await offer(api, did, r);
      expect(ref, `purchase ${i}`).toMatchObject({ id: refId, amount: 0, usage: 0, stamp: 1 });
      const claimed = await api.claim({ purchase_at: r.purchase_at, customer_id: 'sara', ref: r.receipt_id, discounts: [{ id: did, refs: [ref] }] });
      expect(claimed.status).toBe(200);
      expect((await api.ref('sara', refId!)).body.statistics).toMatchObject({ stamp: i, current_stamp: i, usage: 0 });
    }
    const fourth = receipt('s-4', 'sara');
    const reward = await offer(api, did, fourth);
    expect(reward).toMatchObject({ id: refId, amount: 3500, usage: 1 });
    await api.claim({ purchase_at: fourth.purchase_at, customer_id: 'sara', ref: 's-4', discounts: [{ id: did, refs: [reward] }] });
    // The reward spent the three stamps: the card starts over.
    expect((await api.ref('sara', refId!)).body.statistics).toMatchObject({ stamp: 3, current_stamp: 0, usage: 1 });
    expect(await offer(api, did, receipt('s-5', 'sara'))).toMatchObject({ amount: 0, stamp: 1 });
  });

  it('stamp_expire_days drops old stamps', async () => {
    const api = await accountApi('T33000002');
    const did = await api.rule(stampRule(2, { stamp_expire_days: 30 }));
    const [refId] = await api.give(did, ['tor']);
    const stamp = (at: string, ref: string) =>
      api.claim({ purchase_at: at, customer_id: 'tor', ref, discounts: [{ id: did, refs: [{ id: refId, amount: 0, usage: 0, stamp: 1 }] }] });
    expect((await stamp(new Date(Date.now() - 40 * DAY).toISOString(), 'old')).status).toBe(200);
    expect((await stamp(new Date(Date.now() - 1 * DAY).toISOString(), 'recent')).status).toBe(200);
    // Two stamps recorded, but only one is younger than 30 days.
    expect((await api.ref('tor', refId!)).body.statistics).toMatchObject({ stamp: 2, current_stamp: 1 });
    expect(await offer(api, did, receipt('t-1', 'tor'))).toMatchObject({ amount: 0, stamp: 1 });
    expect((await stamp(NOW(), 'today')).status).toBe(200);
    expect(await offer(api, did, receipt('t-2', 'tor'))).toMatchObject({ amount: 3500, usage: 1 });
  });

  it('releasing a stamp claim takes exactly its stamps back', async () => {
    const api = await accountApi('T33000003');
    const did = await api.rule(stampRule(5));
    const [refId] = await api.give(did, ['ulla']);
    const a = await api.claim({ purchase_at: NOW(), customer_id: 'ulla', discounts: [{ id: did, refs: [{ id: refId, amount: 0, usage: 0, stamp: 2 }] }] });
    await api.claim({ purchase_at: NOW(), customer_id: 'ulla', discounts: [{ id: did, refs: [{ id: refId, amount: 0, usage: 0, stamp: 1 }] }] });
    await api.release(a.body.id);
    expect((await api.ref('ulla', refId!)).body.statistics).toMatchObject({ stamp: 1, current_stamp: 1 });
    expect(await api.ruleStats(did)).toMatchObject({ stamp: 1 });
  });
});

describe('receipt_add events', { timeout: 30_000 }, () => {
  it('records stamps and usage once per receipt id, and the card pays out', async () => {
    const api = await accountApi('T33000004');
    const did = await api.rule(stampRule(2));
    const [refId] = await api.give(did, ['vera']);
    const first = receipt('r-1', 'vera');
    expect((await api.event('receipt_add', first)).status).toBe(204);
    expect((await api.event('receipt_add', first)).status).toBe(204);
    expect((await api.ref('vera', refId!)).body.statistics).toMatchObject({ stamp: 1, current_stamp: 1 });
    // Parallel duplicates of one receipt still count once.
    const second = receipt('r-2', 'vera');
    const answers = await Promise.all(Array.from({ length: 10 }, () => api.event('receipt_add', second)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(204));
    expect((await api.ref('vera', refId!)).body.statistics).toMatchObject({ stamp: 2, current_stamp: 2, usage: 0 });

    // The third receipt earns the reward: usage and amount land, the stamps are spent.
    expect((await api.event('receipt_add', receipt('r-3', 'vera'))).status).toBe(204);
    expect((await api.ref('vera', refId!)).body.statistics).toMatchObject({ stamp: 2, current_stamp: 0, usage: 1, amount: 3500 });
    const ledger = (await api.usages(did)).body;
    expect(ledger.map((u: any) => [u.source, u.source_ref, u.stamp, u.usage])).toEqual([
      ['receipt', 'r-1', 1, 0],
      ['receipt', 'r-2', 1, 0],
      ['receipt', 'r-3', 0, 1],
    ]);
  });

  it('honours discount_repeat_usage and validates the receipt', async () => {
    const api = await accountApi('T33000005');
    const did = await api.rule({ limitation: { discount_repeat_usage: 1 } });
    const [refId] = await api.give(did, ['wenche']);
    await api.event('receipt_add', receipt('w-1', 'wenche'));
    await api.event('receipt_add', receipt('w-2', 'wenche'));
    expect((await api.ref('wenche', refId!)).body.statistics).toMatchObject({ usage: 1, amount: 3500 });
    const bad = await api.event('receipt_add', { receipt_id: 'w-3' });
    expect(bad.status).toBe(400);
  });
});
