import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../../shared/store/migrations';
import { claimMigrations } from '../../shared/store/claims';
import { accountApi, NOW } from '../claims/helpers';

// receipt_add records each receipt once; a receipt id is unique per store only.
const receipt = (id: string, store: string, customer: string) => ({
  receipt_id: id,
  purchase_at: NOW(),
  store: { id: store },
  customer_id: customer,
  items: [{ id: 'coffee', line_id: 1, quantity: 1, gross_amount: 3500, eligible_for_discount: true }],
});

describe('receipt_add: a receipt is (store.id, receipt_id)', { timeout: 30_000 }, () => {
  it('two stores using the same receipt id are both recorded; each store once, also in parallel', async () => {
    const api = await accountApi('T35000001');
    const did = await api.rule({ reward: { type: 'discount_amount', value: 100 } });
    const [refId] = await api.give(did, ['kari']);
    expect((await api.event('receipt_add', receipt('1001', 'oslo', 'kari'))).status).toBe(204);
    expect((await api.event('receipt_add', receipt('1001', 'bergen', 'kari'))).status).toBe(204);
    const repeats = await Promise.all(
      ['oslo', 'bergen', 'oslo', 'bergen'].map((store) => api.event('receipt_add', receipt('1001', store, 'kari'))),
    );
    expect(repeats.map((r) => r.status)).toEqual([204, 204, 204, 204]);
    expect((await api.ref('kari', refId!)).body.statistics).toMatchObject({ usage: 2, amount: 200 });
    const ledger = (await api.usages(did)).body;
    expect(ledger.map((u: { source: string; source_ref: string }) => [u.source, u.source_ref])).toEqual([
      ['receipt', '1001'],
      ['receipt', '1001'],
    ]);
  });

  it('claims/002 keeps receipts recorded before it; their store unknown, they stand for every store', async () => {
    const aid = 'T35000002';
    const api = await accountApi(aid);
    const did = await api.rule({ reward: { type: 'discount_amount', value: 100 } });
    const [refId] = await api.give(did, ['lars']);
    const stub = env.ACCOUNTS.getByName(aid);
    await runInDurableObject(stub, (_o, state) => {
      const sql = state.storage.sql;
      // Back to the claims/001 table, holding one receipt a released version recorded.
      sql.exec('DROP TABLE recorded_receipts');
      sql.exec(`CREATE TABLE recorded_receipts (receipt_id TEXT PRIMARY KEY, customer_id TEXT, refs INTEGER NOT NULL,
        recorded_at INTEGER NOT NULL, recorded_by TEXT NOT NULL)`);
      sql.exec("INSERT INTO recorded_receipts VALUES ('old-1', 'lars', 1, 1700000000000, 'pos')");
      sql.exec("DELETE FROM _migrations WHERE id = 'claims/002'");
      applyMigrations(state.storage, claimMigrations);
      expect(sql.exec('SELECT * FROM recorded_receipts').toArray()).toEqual([
        {
          receipt_id: 'old-1',
          store_id: '',
          customer_id: 'lars',
          refs: 1,
          recorded_at: 1700000000000,
          recorded_by: 'pos',
        },
      ]);
    });
    // A retry of the old receipt, from whichever store, counts nothing; new receipts count per store.
    await api.event('receipt_add', receipt('old-1', 'oslo', 'lars'));
    await api.event('receipt_add', receipt('new-1', 'oslo', 'lars'));
    await api.event('receipt_add', receipt('new-1', 'bergen', 'lars'));
    await api.event('receipt_add', receipt('new-1', 'oslo', 'lars'));
    expect((await api.ref('lars', refId!)).body.statistics).toMatchObject({ usage: 2, amount: 200 });
    const rows = await runInDurableObject(stub, (_o, state) =>
      state.storage.sql
        .exec('SELECT receipt_id, store_id FROM recorded_receipts ORDER BY receipt_id, store_id')
        .toArray(),
    );
    expect(rows).toEqual([
      { receipt_id: 'new-1', store_id: 'bergen' },
      { receipt_id: 'new-1', store_id: 'oslo' },
      { receipt_id: 'old-1', store_id: '' },
    ]);
  });
});
