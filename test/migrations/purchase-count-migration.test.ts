import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, json } from '../helpers';
import { applyMigrations } from '../../shared/store/migrations';
import { purchaseCountMigrations } from '../../shared/store/refs-migrations';
import { accountApi, claimBody } from '../claims/helpers';

describe('refs/004: purchases counted for ledgers written before the counter existed', () => {
  it('counts live entries with usage > 0 per ref (per customer for *), whatever their usage', async () => {
    const aid = 'T33200001';
    const api = await accountApi(aid);
    const did = await api.rule({ limitation: { discount_repeat_usage: 3 } });
    const [own] = await api.give(did, ['hans']);
    const [star] = await api.give(did, ['*']);
    const claim = async (ref: string, cid: string, usage: number) => {
      // A claim that uses nothing takes no money either (only stamps could ride on it).
      const res = await api.claim(claimBody(did, ref, cid, {}, usage === 0 ? { usage, amount: 0 } : { usage }));
      expect(res.status).toBe(200);
      return res.body.id as string;
    };
    await claim(own!, 'hans', 2);
    await claim(own!, 'hans', 0); // used nothing: not a purchase
    const released = await claim(own!, 'hans', 1);
    expect((await api.release(released)).status).toBe(200);
    await claim(star!, 'ida', 3);
    await claim(star!, 'jon', 1);
    const usageRef = await json(
      call('POST', `${api.base}/customers/jon/refs/${star}`, {
        token: api.token,
        body: { usage_ref: { ref: 'visit-1', usage: 1 } },
      }),
    );
    expect(usageRef.status).toBe(200);

    const purchases = (rows: Record<string, unknown>[]) =>
      Object.fromEntries(rows.map((r) => [r.id === own ? 'own' : 'star', r.purchases]));
    await runInDurableObject(env.ACCOUNTS.getByName(aid), (_o, state) => {
      const sql = state.storage.sql;
      const before = sql.exec('SELECT id, purchases FROM refs WHERE rule_id = ?', did).toArray();
      // Back to the schema before refs/004.
      sql.exec('ALTER TABLE refs DROP COLUMN purchases');
      sql.exec(`DELETE FROM _migrations WHERE id = 'refs/004'`);
      applyMigrations(state.storage, purchaseCountMigrations);
      const after = sql.exec('SELECT id, purchases FROM refs WHERE rule_id = ?', did).toArray();
      expect(purchases(after)).toEqual({ own: 1, star: 3 });
      expect(after).toEqual(before);
    });
    const stats = async (cid: string, ref: string) => (await api.ref(cid, ref)).body.statistics;
    expect(await stats('hans', own!)).toMatchObject({ usage: 2, purchases: 1 });
    expect(await stats('ida', star!)).toMatchObject({ usage: 3, purchases: 1 });
    expect(await stats('jon', star!)).toMatchObject({ usage: 2, purchases: 2 });
    // jon has one purchase left on the `*` ref, hans two on his own.
    await claim(star!, 'jon', 5);
    expect((await api.claim(claimBody(did, star!, 'jon'))).body.error.errors[0]).toMatchObject({
      code: 'discount_repeat_usage',
    });
    await claim(own!, 'hans', 1);
    await claim(own!, 'hans', 1);
    expect((await api.claim(claimBody(did, own!, 'hans'))).body.error.errors[0]).toMatchObject({
      code: 'discount_repeat_usage',
    });
  });
});
