import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, json, tokenWith } from '../helpers';
import { accountApi } from '../claims/helpers';

// Spec §3: "-1 = unlimited everywhere". `dynamic_purchase_to_days` and `stamp_expire_days` at -1
// are stored as sent and read as no limit by every reader: claims, the engine, a customer's rule
// list, the public list and the scheduled cleanup.
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const card = (name: string, limitation?: Record<string, unknown>) => ({
  name,
  requirement: {
    purchase_from: '2020-01-01T00:00:00Z',
    purchase_to: '2099-01-01T00:00:00Z',
    item: { items: [{ id: 'coffee' }] },
    stamp: 2,
  },
  reward: { type: 'discount_item_percent', value: 100 },
  ...(limitation && { limitation }),
});
const coffee = (id: string, customer: string) => ({
  receipt_id: id,
  purchase_at: new Date().toISOString(),
  store: { id: 'store-1' },
  customer_id: customer,
  items: [{ id: 'coffee', line_id: 1, quantity: 1, gross_amount: 3500, eligible_for_discount: true }],
});

describe('-1 means unlimited for dynamic_purchase_to_days and stamp_expire_days', { timeout: 60_000 }, () => {
  it('is accepted and stored as sent, and so is 0 (Dintero leaves it open); -2 and fractions are refused', async () => {
    const api = await accountApi('T34000001');
    const limitation = { dynamic_purchase_to_days: -1, stamp_expire_days: -1 };
    const did = await api.rule(card('unlimited', limitation));
    const read = await json(call('GET', `${api.base}/rules/${did}`, { token: api.token }));
    expect(read.body.limitation).toEqual(limitation);
    const zero = { dynamic_purchase_to_days: 0, stamp_expire_days: 0 };
    const zeroRule = await api.rule(card('zero', zero));
    const readZero = await json(call('GET', `${api.base}/rules/${zeroRule}`, { token: api.token }));
    expect(readZero.body.limitation).toEqual(zero);
    for (const [field, value] of [
      ['stamp_expire_days', -2],
      ['dynamic_purchase_to_days', 1.5],
    ] as const) {
      const res = await json(
        call('POST', `${api.base}/rules`, { token: api.token, body: card('bad', { [field]: value }) }),
      );
      expect(res.status, `${field}: ${value}`).toBe(400);
      expect(res.body.error.errors.map((e: { field: string }) => e.field)).toContain(`limitation.${field}`);
    }
  });

  it('a rule with both at -1 behaves exactly like one without them', async () => {
    const aid = 'T34000002';
    const api = await accountApi(aid);
    const rules = {
      plain: await api.rule(card('plain')),
      unlimited: await api.rule(card('unlimited', { dynamic_purchase_to_days: -1, stamp_expire_days: -1 })),
    };
    // One customer per rule, so the two cards never meet on one receipt.
    const holder = { plain: 'ola', unlimited: 'per' } as const;
    const seen: Record<string, unknown[]> = { plain: [], unlimited: [] };
    for (const kind of ['plain', 'unlimited'] as const) {
      const did = rules[kind];
      const cid = holder[kind];
      const [refId] = await api.give(did, [cid]);
      const out = seen[kind]!;
      // Two stamps 400 days old: no expiry, so they still fill the card.
      const stamped = await api.claim({
        purchase_at: ago(400),
        customer_id: cid,
        discounts: [{ id: did, refs: [{ id: refId, amount: 0, usage: 0, stamp: 2 }] }],
      });
      out.push(stamped.status);
      out.push((await api.ref(cid, refId!)).body.statistics);
      // The scheduled cleanup expires nothing either.
      await runInDurableObject(env.ACCOUNTS.getByName(aid), (o) =>
        (o as unknown as { cleanup(now: number): unknown }).cleanup(Date.now()),
      );
      out.push((await api.ref(cid, refId!)).body.statistics);
      // The ref made today has no dynamic window: the customer's list and the engine offer it.
      const listed = await json(call('GET', `${api.base}/customers/${cid}/rules`, { token: api.token }));
      out.push(listed.body.map((r: { id: string; ref_id: string }) => [r.id === did, r.ref_id === refId]));
      const offer = (await api.evaluate(coffee(`r-${kind}`, cid))).body.discounts.find(
        (d: { id: string }) => d.id === did,
      )?.refs[0];
      out.push(offer && { ...offer, id: offer.id === refId });
      const redeemed = await api.claim({
        purchase_at: new Date().toISOString(),
        customer_id: cid,
        discounts: [{ id: did, refs: [{ id: refId, amount: 3500, usage: 1 }] }],
      });
      out.push(redeemed.status);
      out.push((await api.ref(cid, refId!)).body.statistics);
    }
    expect(seen.unlimited).toEqual(seen.plain);
    // And what they are: both cards filled by old stamps and paid out.
    expect(seen.plain).toEqual([
      200,
      { stamp: 2, current_stamp: 2, usage: 0, used: 0, purchases: 0, amount: 0, bonus: 0, debit_balance: 0 },
      { stamp: 2, current_stamp: 2, usage: 0, used: 0, purchases: 0, amount: 0, bonus: 0, debit_balance: 0 },
      [[true, true]],
      expect.objectContaining({ id: true, amount: 3500, usage: 1 }),
      200,
      { stamp: 0, current_stamp: 0, usage: 1, used: 1, purchases: 1, amount: 3500, bonus: 0, debit_balance: 0 },
    ]);
  });

  it('a rule given to * with dynamic_purchase_to_days -1 stays on the public list', async () => {
    const aid = 'T34000003';
    const api = await accountApi(aid);
    const unlimited = await api.rule({
      ...card('unlimited', { dynamic_purchase_to_days: -1 }),
      requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' },
    });
    const plain = await api.rule({
      ...card('plain'),
      requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' },
    });
    await api.give(unlimited, ['*']);
    await api.give(plain, ['*']);
    const pub = await tokenWith(['public:discounts'], aid, 'storefront');
    const res = await json(call('GET', `${api.base}/public/rules?limit=100`, { token: pub }));
    expect(res.status).toBe(200);
    expect(res.body.map((r: { name: string }) => r.name).sort()).toEqual(['plain', 'unlimited']);
  });
});

describe('0 as a limit (docs/api-decisions.md, "Values Dintero leaves open")', { timeout: 60_000 }, () => {
  it('discount_repeat_usage 0 and discount_reward_usage 0 never apply; days at 0 are no limit', async () => {
    const api = await accountApi('T34000009');
    const rule = (name: string, limitation: Record<string, unknown>) =>
      api.rule({
        name,
        requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' },
        reward: { type: 'discount_amount', value: 100 },
        limitation,
      });
    const noPurchase = await rule('no purchase', { discount_repeat_usage: 0 });
    const noReward = await rule('no reward', { discount_reward_usage: 0 });
    const noWindow = await rule('days 0', { dynamic_purchase_to_days: 0, stamp_expire_days: 0 });
    for (const did of [noPurchase, noReward, noWindow]) await api.give(did, ['zoe']);
    const res = await api.evaluate(coffee('r-zero', 'zoe'));
    expect(res.status).toBe(200);
    expect(res.body.discounts.map((d: { id: string }) => d.id)).toEqual([noWindow]);
    const rules = await json(call('GET', `${api.base}/customers/zoe/rules`, { token: api.token }));
    expect(rules.body.map((r: { id: string }) => r.id).sort()).toEqual([noReward, noWindow].sort());
  });
});
