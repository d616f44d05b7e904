import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../../shared/store/migrations';
import { stampSpendMigrations } from '../../shared/store/refs-migrations';
import { accountApi, NOW } from '../claims/helpers';

const DAY = 86_400_000;
const stampRule = {
  name: 'Card of 3',
  requirement: {
    purchase_from: '2020-01-01T00:00:00Z',
    purchase_to: '2099-01-01T00:00:00Z',
    item: { items: [{ id: 'coffee' }] },
    stamp: 3,
  },
  reward: { type: 'discount_item_percent', value: 100 },
  limitation: { stamp_expire_days: 30 },
};
const receipt = (id: string, customer: string) => ({
  receipt_id: id,
  purchase_at: NOW(),
  customer_id: customer,
  store: { id: 'store-1' },
  items: [{ id: 'coffee', line_id: 1, quantity: 1, gross_amount: 3500, eligible_for_discount: true }],
});

describe('refs/003: redemptions made before spends were recorded', () => {
  it('records what the old inference spent, so no answer changes, and a release still gives it back', async () => {
    const aid = 'T33100001';
    const api = await accountApi(aid);
    const did = await api.rule(stampRule);
    const [own] = await api.give(did, ['hans']);
    const [star] = await api.give(did, ['*']);
    const T = Date.now();
    const claimId = crypto.randomUUID();
    await runInDurableObject(env.ACCOUNTS.getByName(aid), (_o, state) => {
      const sql = state.storage.sql;
      // Back to the schema before refs/003 (what a released version left behind).
      sql.exec('DROP INDEX ref_usages_live_stamps');
      sql.exec('DROP TABLE stamp_spends');
      sql.exec('ALTER TABLE ref_usages DROP COLUMN spent');
      sql.exec(
        `CREATE INDEX ref_usages_stamps ON ref_usages (ref_id, customer_id, purchase_at) ` +
          `WHERE stamp > 0 AND released_at IS NULL`,
      );
      sql.exec(`DELETE FROM _migrations WHERE id = 'refs/003'`);
      const row = (
        id: string,
        ref: string,
        who: string,
        source: string,
        usage: number,
        stamp: number,
        daysAgo: number,
        expired = false,
      ) =>
        sql.exec(
          `INSERT INTO ref_usages (id, ref_id, rule_id, customer_id, source, source_ref, ` +
            `usage, amount, stamp, debit, purchase_at, created_at, created_by, expired_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 'x', ?)`,
          id,
          ref,
          did,
          who,
          source,
          id === 'h-r1' ? claimId : id,
          usage,
          usage * 3500,
          stamp,
          T - daysAgo * DAY,
          T,
          expired ? T : null,
        );
      // hans: 2 stamps (since expired by a cleanup), 2, a reward (old model: it spent the oldest 3), 2.
      row('h-s1', own!, 'hans', 'claim', 0, 2, 40, true);
      row('h-s2', own!, 'hans', 'claim', 0, 2, 10);
      row('h-r1', own!, 'hans', 'claim', 1, 0, 9);
      row('h-s3', own!, 'hans', 'claim', 0, 2, 5);
      sql.exec(
        'INSERT INTO claims (id, ref, body_hash, customer_id, body, created_at) VALUES (?, NULL, ?, ?, ?, ?)',
        claimId,
        'hash',
        'hans',
        JSON.stringify({
          id: claimId,
          purchase_at: new Date(T - 9 * DAY).toISOString(),
          customer_id: 'hans',
          discounts: [],
          created_at: NOW(),
          created_by: 'x',
          updated_at: NOW(),
          updated_by: 'x',
        }),
        T,
      );
      // The `*` card is one per customer: ida's reward spent ida's stamps, not jon's.
      row('i-s1', star!, 'ida', 'receipt', 0, 3, 3);
      row('j-s1', star!, 'jon', 'receipt', 0, 2, 2);
      row('i-r1', star!, 'ida', 'receipt', 1, 0, 1);
      // Old counters: live stamps not expired, whatever was spent.
      sql.exec('UPDATE refs SET stamp = 4, usage = 1, amount = 3500 WHERE id = ?', own!);
      sql.exec('UPDATE refs SET stamp = 5, usage = 1, amount = 3500 WHERE id = ?', star!);
      sql.exec('UPDATE rules SET stat_stamp = 9, stat_usage = 2, stat_amount = 7000 WHERE id = ?', did);
      applyMigrations(state.storage, stampSpendMigrations);
      expect(
        sql
          .exec('SELECT usage_id, stamp_usage_id, quantity FROM stamp_spends ORDER BY usage_id, stamp_usage_id')
          .toArray(),
      ).toEqual([
        { usage_id: 'h-r1', stamp_usage_id: 'h-s1', quantity: 2 },
        { usage_id: 'h-r1', stamp_usage_id: 'h-s2', quantity: 1 },
        { usage_id: 'i-r1', stamp_usage_id: 'i-s1', quantity: 3 },
      ]);
    });
    // The migrated storage answers, under the new code, exactly as the old inference did.
    const stats = async (cid: string, ref: string) => (await api.ref(cid, ref)).body.statistics;
    expect(await stats('hans', own!)).toMatchObject({ stamp: 3, current_stamp: 3, usage: 1 });
    expect(await stats('ida', star!)).toMatchObject({ stamp: 0, current_stamp: 0, usage: 1 });
    expect(await stats('jon', star!)).toMatchObject({ stamp: 2, current_stamp: 2, usage: 0 });
    expect(await api.ruleStats(did)).toMatchObject({ stamp: 5, usage: 2 });
    expect((await api.evaluate(receipt('h-1', 'hans'))).body.discounts[0].refs[0]).toMatchObject({
      id: own,
      amount: 3500,
      usage: 1,
    });
    expect((await api.evaluate(receipt('j-1', 'jon'))).body.discounts[0].refs[0]).toMatchObject({
      id: star,
      amount: 0,
      stamp: 1,
    });

    // Releasing the old reward gives back what it spent: the expired stamps stay off the counters.
    expect((await api.release(claimId)).status).toBe(200);
    expect(await stats('hans', own!)).toMatchObject({ stamp: 4, current_stamp: 4, usage: 0 });
    expect(await api.ruleStats(did)).toMatchObject({ stamp: 6, usage: 1 });
  });
});
