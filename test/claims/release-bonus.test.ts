// A release gives back exactly what its claim counted, the bonus of an `effect: bonus` rule included.
import { describe, expect, it } from 'vitest';
import { accountApi, NOW } from './helpers';

describe('releasing a bonus claim', { timeout: 30_000 }, () => {
  it('takes the bonus off the ref again, with the usage', async () => {
    const api = await accountApi('T32600001');
    const did = await api.rule({ reward: { type: 'discount_percent', value: 10, effect: 'bonus' } });
    const [refId] = await api.give(did, ['kari']);
    const claim = (ref: string, bonus: number) =>
      api.claim({
        ref,
        purchase_at: NOW(),
        customer_id: 'kari',
        discounts: [{ id: did, refs: [{ id: refId, amount: 0, usage: 1, bonus }] }],
      });
    const first = await claim('b-1', 500);
    expect(first.status).toBe(200);
    expect((await claim('b-2', 300)).status).toBe(200);
    expect((await api.ref('kari', refId!)).body.statistics).toMatchObject({ bonus: 800, usage: 2 });

    expect((await api.release(first.body.id)).status).toBe(200);
    expect((await api.ref('kari', refId!)).body.statistics).toMatchObject({ bonus: 300, usage: 1 });
    // Releasing again changes nothing.
    await api.release(first.body.id);
    expect((await api.ref('kari', refId!)).body.statistics).toMatchObject({ bonus: 300, usage: 1 });
  });
});
