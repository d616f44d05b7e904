import { describe, expect, it } from 'vitest';
import { call, json } from '../helpers';
import { cron, sql } from '../maintenance/helpers';
import { accountApi, NOW } from './helpers';

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
      const claimed = await api.claim({
        purchase_at: r.purchase_at,
        customer_id: 'sara',
        ref: r.receipt_id,
        discounts: [{ id: did, refs: [ref] }],
      });
      expect(claimed.status).toBe(200);
      expect((await api.ref('sara', refId!)).body.statistics).toMatchObject({ stamp: i, current_stamp: i, usage: 0 });
    }
    const fourth = receipt('s-4', 'sara');
    const reward = await offer(api, did, fourth);
    expect(reward).toMatchObject({ id: refId, amount: 3500, usage: 1 });
    await api.claim({
      purchase_at: fourth.purchase_at,
      customer_id: 'sara',
      ref: 's-4',
      discounts: [{ id: did, refs: [reward] }],
    });
    // The reward spent the three stamps: the card starts over.
    expect((await api.ref('sara', refId!)).body.statistics).toMatchObject({ stamp: 0, current_stamp: 0, usage: 1 });
    expect(await offer(api, did, receipt('s-5', 'sara'))).toMatchObject({ amount: 0, stamp: 1 });
  });

  it('stamp_expire_days drops old stamps', async () => {
    const api = await accountApi('T33000002');
    const did = await api.rule(stampRule(2, { stamp_expire_days: 30 }));
    const [refId] = await api.give(did, ['tor']);
    const stamp = (at: string, ref: string) =>
      api.claim({
        purchase_at: at,
        customer_id: 'tor',
        ref,
        discounts: [{ id: did, refs: [{ id: refId, amount: 0, usage: 0, stamp: 1 }] }],
      });
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
    const a = await api.claim({
      purchase_at: NOW(),
      customer_id: 'ulla',
      discounts: [{ id: did, refs: [{ id: refId, amount: 0, usage: 0, stamp: 2 }] }],
    });
    await api.claim({
      purchase_at: NOW(),
      customer_id: 'ulla',
      discounts: [{ id: did, refs: [{ id: refId, amount: 0, usage: 0, stamp: 1 }] }],
    });
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
    expect((await api.ref('vera', refId!)).body.statistics).toMatchObject({
      stamp: 0,
      current_stamp: 0,
      usage: 1,
      amount: 3500,
    });
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
    expect((await api.event('receipt_add', receipt('w-1', 'wenche'))).status).toBe(204);
    // The second purchase is recorded, but the ref is used up: it earns nothing more.
    expect((await api.event('receipt_add', receipt('w-2', 'wenche'))).status).toBe(204);
    expect((await api.ref('wenche', refId!)).body.statistics).toMatchObject({ usage: 1, amount: 3500 });
    expect((await api.usages(did)).body).toHaveLength(1);
    const bad = await json(api.event('receipt_add', { receipt_id: 'w-3' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.errors.map((e: { field: string }) => e.field)).toContain('purchase_at');
  });
});

// Rewards spend the stamps that filled the card (the oldest valid at the purchase), recorded per
// redemption: expired stamps are never spent, a release gives back exactly what it spent.
describe('what a redemption spends', { timeout: 60_000 }, () => {
  const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();
  const stampsApi = async (aid: string, need: number, customer: string, limitation: Record<string, unknown> = {}) => {
    const api = await accountApi(aid);
    const did = await api.rule(stampRule(need, limitation));
    const [refId] = await api.give(did, [customer]);
    const stamp = async (n: number, when: string, ref?: string) => {
      const res = await api.claim({
        purchase_at: when,
        customer_id: customer,
        ...(ref && { ref }),
        discounts: [{ id: did, refs: [{ id: refId, amount: 0, usage: 0, stamp: n }] }],
      });
      expect(res.status).toBe(200);
      return res.body.id as string;
    };
    const redeem = (when = NOW(), ref?: string) =>
      api.claim({
        purchase_at: when,
        customer_id: customer,
        ...(ref && { ref }),
        discounts: [{ id: did, refs: [{ id: refId, amount: 3500, usage: 1, stamp: 0 }] }],
      });
    const stats = async () => (await api.ref(customer, refId!)).body.statistics;
    /** Unspent stamps per ledger row that holds stamps, oldest first. */
    const unspent = async () =>
      (
        await sql(
          aid,
          'SELECT stamp - spent AS free FROM ref_usages WHERE stamp > 0 AND released_at IS NULL ' +
            'ORDER BY purchase_at, seq',
        )
      ).map((r) => r.free);
    return { api, did, refId: refId!, stamp, redeem, stats, unspent };
  };

  it(
    '3 expired + 5 valid stamps, card of 5: the reward spends the 5 valid ones, ' + 'and the next needs 5 new',
    async () => {
      const { api, did, stamp, redeem, stats } = await stampsApi('T33000101', 5, 'anna', { stamp_expire_days: 30 });
      await stamp(3, at(40));
      for (let d = 5; d >= 1; d--) await stamp(1, at(d));
      expect(await stats()).toMatchObject({ stamp: 8, current_stamp: 5 });
      const reward = await offer(api, did, receipt('a-1', 'anna'));
      expect(reward).toMatchObject({ amount: 3500, usage: 1, statistics: { stamp: 5 } });
      expect((await redeem(NOW(), 'a-1')).status).toBe(200);
      // The 3 expired stamps are untouched (still unspent until the cleanup marks them) and count for nothing.
      expect(await stats()).toMatchObject({ stamp: 3, current_stamp: 0, usage: 1 });
      expect(await api.ruleStats(did)).toMatchObject({ stamp: 3, usage: 1 });
      for (let i = 1; i <= 4; i++) {
        expect(await offer(api, did, receipt(`a-next-${i}`, 'anna')), `purchase ${i}`).toMatchObject({
          amount: 0,
          stamp: 1,
          statistics: { stamp: i - 1 },
        });
        await stamp(1, NOW());
      }
      expect(await offer(api, did, receipt('a-next-5', 'anna'))).toMatchObject({
        amount: 0,
        stamp: 1,
        statistics: { stamp: 4 },
      });
      await stamp(1, NOW());
      expect(await offer(api, did, receipt('a-next-6', 'anna'))).toMatchObject({
        amount: 3500,
        usage: 1,
        statistics: { stamp: 5 },
      });
    },
  );

  it('a claim redeeming more stamps than the ref holds valid is refused, naming the ref', async () => {
    const { api, did, refId, stamp, redeem, stats } = await stampsApi('T33000102', 3, 'berit', {
      stamp_expire_days: 30,
    });
    await stamp(2, at(40));
    await stamp(2, at(1));
    const refused = await redeem();
    expect(refused.status).toBe(400);
    expect(refused.body.error.errors[0]).toMatchObject({ field: 'discounts.0.refs.0.usage', code: 'stamps' });
    // Nothing of the refused claim stays.
    expect(await stats()).toMatchObject({ stamp: 4, current_stamp: 2, usage: 0, amount: 0 });
    // A backdated claim spends the stamps valid at its purchase_at: the old ones, 35 days ago.
    await stamp(1, at(36));
    expect((await redeem(at(35))).status).toBe(200);
    expect(await stats()).toMatchObject({ stamp: 2, current_stamp: 2, usage: 1 });
    // usage_ref redeems too, and is refused the same way when the card is not full.
    const path = `${api.base}/customers/berit/refs/${refId}`;
    const short = await json(
      call('POST', path, { token: api.token, body: { usage_ref: { ref: 'till-1', usage: 1 } } }),
    );
    expect(short.status).toBe(400);
    expect(short.body.error.errors[0]).toMatchObject({ field: 'usage_ref.usage', code: 'stamps' });
    const full = await json(
      call('POST', path, { token: api.token, body: { usage_ref: { ref: 'till-2', usage: 1, stamp: 1 } } }),
    );
    expect(full.status).toBe(200);
    expect(full.body.statistics).toMatchObject({ stamp: 0, current_stamp: 0, usage: 2 });
    expect(await api.ruleStats(did)).toMatchObject({ stamp: 0, usage: 2 });
  });

  it('releasing a redeeming claim gives back exactly the stamps it spent', async () => {
    const { api, did, stamp, redeem, stats, unspent } = await stampsApi('T33000103', 3, 'cato', {
      stamp_expire_days: 30,
    });
    await stamp(2, at(4));
    await stamp(2, at(3));
    const first = await redeem(at(2));
    expect(first.status).toBe(200);
    expect(await unspent()).toEqual([0, 1]);
    await stamp(3, at(1));
    expect((await redeem()).status).toBe(200);
    expect(await unspent()).toEqual([0, 0, 1]);
    expect(await stats()).toMatchObject({ stamp: 1, current_stamp: 1, usage: 2 });
    // The first redemption spent 2 of the oldest row and 1 of the second: exactly those come back.
    expect((await api.release(first.body.id)).status).toBe(200);
    expect(await unspent()).toEqual([2, 1, 1]);
    expect(await stats()).toMatchObject({ stamp: 4, current_stamp: 4, usage: 1 });
    expect(await api.ruleStats(did)).toMatchObject({ stamp: 4, usage: 1 });
    // Releasing again changes nothing.
    expect((await api.release(first.body.id)).status).toBe(200);
    expect(await stats()).toMatchObject({ stamp: 4, current_stamp: 4, usage: 1 });
  });

  it('a stamp claim released after a reward spent its stamps leaves the reward whole', async () => {
    const { api, did, stamp, redeem, stats, unspent } = await stampsApi('T33000104', 2, 'dina');
    const earned = await stamp(2, at(2));
    const reward = await redeem(at(1));
    expect(reward.status).toBe(200);
    expect((await api.release(earned)).status).toBe(200);
    expect(await stats()).toMatchObject({ stamp: 0, current_stamp: 0, usage: 1 });
    // Releasing the reward afterwards gives nothing back to a released row.
    expect((await api.release(reward.body.id)).status).toBe(200);
    expect(await stats()).toMatchObject({ stamp: 0, current_stamp: 0, usage: 0 });
    expect(await api.ruleStats(did)).toMatchObject({ stamp: 0, usage: 0 });
    expect(await unspent()).toEqual([]);
  });

  it('two parallel claims on one full card: exactly one succeeds', async () => {
    const { did, stamp, redeem, stats, api } = await stampsApi('T33000105', 5, 'eli');
    await stamp(5, at(1));
    const answers = await Promise.all(Array.from({ length: 2 }, (_, i) => redeem(NOW(), `par-${i}`)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    expect(answers.find((a) => a.status === 400)!.body.error.errors[0]).toMatchObject({
      field: 'discounts.0.refs.0.usage',
      code: 'stamps',
    });
    expect(await stats()).toMatchObject({ stamp: 0, current_stamp: 0, usage: 1, amount: 3500 });
    expect(await api.ruleStats(did)).toMatchObject({ stamp: 0, usage: 1 });
  });

  it('receipt_add redemptions spend the valid stamps, never the expired ones', async () => {
    const api = await accountApi('T33000106');
    const did = await api.rule(stampRule(2, { stamp_expire_days: 30 }));
    const [refId] = await api.give(did, ['fred']);
    const stats = async () => (await api.ref('fred', refId!)).body.statistics;
    for (const [id, daysAgo] of [
      ['f-old-1', 40],
      ['f-old-2', 39],
      ['f-1', 2],
      ['f-2', 1],
    ] as const) {
      expect((await api.event('receipt_add', receipt(id, 'fred', at(daysAgo)))).status).toBe(204);
    }
    expect(await stats()).toMatchObject({ stamp: 4, current_stamp: 2 });
    expect((await api.event('receipt_add', receipt('f-reward', 'fred'))).status).toBe(204);
    expect(await stats()).toMatchObject({ stamp: 2, current_stamp: 0, usage: 1, amount: 3500 });
    // The next reward needs two new stamps.
    expect((await api.event('receipt_add', receipt('f-3', 'fred'))).status).toBe(204);
    expect(await offer(api, did, receipt('f-4', 'fred'))).toMatchObject({
      amount: 0,
      stamp: 1,
      statistics: { stamp: 1 },
    });
    expect((await api.event('receipt_add', receipt('f-4', 'fred'))).status).toBe(204);
    expect(await offer(api, did, receipt('f-5', 'fred'))).toMatchObject({ amount: 3500, usage: 1 });
  });

  it('the cleanup after spends changes no engine answer', async () => {
    const aid = 'T33000107';
    const { api, did, stamp, redeem, stats } = await stampsApi(aid, 3, 'gro', { stamp_expire_days: 30 });
    const T = Date.now();
    const day = (d: number) => new Date(T - d * DAY).toISOString();
    await stamp(2, day(36));
    await stamp(2, day(35));
    // Redeemed back then: 2 of the first row, 1 of the second; the second's last stamp then expires.
    const old = await redeem(day(34));
    expect(old.status).toBe(200);
    await stamp(2, day(1));
    const now = receipt('g-now', 'gro', new Date(T).toISOString());
    const later = receipt('g-later', 'gro', new Date(T + 60_000).toISOString());
    const before = {
      now: (await api.evaluate(now)).body,
      later: (await api.evaluate(later)).body,
      stats: await stats(),
    };
    expect(before.stats).toMatchObject({ stamp: 3, current_stamp: 2, usage: 1 });
    expect(before.now.discounts[0].refs[0]).toMatchObject({ amount: 0, stamp: 1, statistics: { stamp: 2 } });
    expect(await api.ruleStats(did)).toMatchObject({ stamp: 3 });

    await cron(T);
    expect(await sql(aid, 'SELECT COUNT(*) AS n FROM ref_usages WHERE expired_at IS NOT NULL')).toEqual([{ n: 2 }]);
    expect((await api.evaluate(now)).body).toEqual(before.now);
    expect((await api.evaluate(later)).body).toEqual(before.later);
    // Only the expired stamp left the counters and `stamp`; what counts is unchanged.
    expect(await stats()).toEqual({ ...before.stats, stamp: 2 });
    expect(await api.ruleStats(did)).toMatchObject({ stamp: 2 });

    // Releasing the old reward gives its stamps back to expired rows: nothing that counts changes.
    expect((await api.release(old.body.id)).status).toBe(200);
    expect((await api.evaluate(now)).body.discounts[0].refs[0]).toEqual({
      ...before.now.discounts[0].refs[0],
      statistics: { ...before.now.discounts[0].refs[0].statistics, usage: 0, amount: 0 },
    });
    expect(await stats()).toMatchObject({ stamp: 2, current_stamp: 2, usage: 0 });
    expect(await api.ruleStats(did)).toMatchObject({ stamp: 2, usage: 0 });

    // The one answer the cleanup does change (docs/maintenance.md): a receipt dated before the
    // run's "now" no longer sees the stamps the run expired (here the last one of 35 days ago).
    const backdated = receipt('g-back', 'gro', day(20));
    expect((await api.evaluate(backdated)).body.discounts[0].refs[0]).toMatchObject({
      amount: 0,
      stamp: 1,
      statistics: { stamp: 0 },
    });
  });
});

describe('a stamp card given to everyone (`*`)', { timeout: 30_000 }, () => {
  it("counts each customer's stamps on their own: one shopper's stamps never fill another's card", async () => {
    const api = await accountApi('T33000009');
    const did = await api.rule(stampRule(2));
    const [refId] = await api.give(did, ['*']);
    for (let i = 1; i <= 2; i++) {
      const r = receipt(`star-${i}`, 'ada');
      const ref = await offer(api, did, r);
      expect(ref, `purchase ${i}`).toMatchObject({ id: refId, amount: 0, stamp: 1 });
      const claimed = await api.claim({
        purchase_at: r.purchase_at,
        customer_id: 'ada',
        ref: r.receipt_id,
        discounts: [{ id: did, refs: [ref] }],
      });
      expect(claimed.status).toBe(200);
    }
    // Ada's card is full: her next coffee is free. Bo has bought nothing: his card is empty.
    expect(await offer(api, did, receipt('star-3', 'ada'))).toMatchObject({ id: refId, amount: 3500, usage: 1 });
    expect(await offer(api, did, receipt('star-4', 'bo'))).toMatchObject({ id: refId, amount: 0, usage: 0, stamp: 1 });
  });
});
