// The customer purge keeps a deleted customer whom only usage-ledger rows of a `*` ref name
// (a receipt_add purchase leaves no claim and no ref of her own), and purges one nothing names.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { call } from '../helpers';
import { accountApi } from '../claims/helpers';
import { cron, DAY, RETENTION, sql } from './helpers';

beforeEach(() => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

describe('customer purge and the usage ledger', { timeout: 60_000 }, () => {
  it('keeps a deleted customer named only by ledger rows of a * ref', async () => {
    const aid = 'T47500001';
    const api = await accountApi(aid);
    const did = await api.rule({ reward: { type: 'discount_amount', value: 500 } });
    await api.give(did, ['*']);
    const T = Date.now();
    const admin = { token: api.token };
    for (const cid of ['ledger-only', 'nobody']) {
      const body = { customer_id: cid, first_name: 'Kari', email: `${cid}@example.com` };
      expect((await call('POST', `/v1/accounts/${aid}/customers/users`, { ...admin, body })).status).toBe(200);
    }
    const purchase = {
      receipt_id: 'p-1',
      purchase_at: new Date(T - 1000).toISOString(),
      store: { id: 'sc029' },
      customer_id: 'ledger-only',
      items: [{ id: 'A', line_id: 1, quantity: 1, gross_amount: 5000 }],
    };
    expect((await api.event('receipt_add', purchase)).status).toBe(204);
    // Only the ledger names her: no claim, and the ref she used is the `*` ref.
    expect(await sql(aid, "SELECT 1 FROM claims WHERE customer_id = 'ledger-only'")).toEqual([]);
    expect(await sql(aid, "SELECT 1 FROM refs WHERE customer_id = 'ledger-only'")).toEqual([]);
    expect(await sql(aid, "SELECT customer_id FROM ref_usages WHERE customer_id = 'ledger-only'")).toHaveLength(1);

    for (const cid of ['ledger-only', 'nobody']) {
      expect((await call('DELETE', `/v1/accounts/${aid}/customers/users/${cid}`, admin)).status).toBe(200);
      await sql(aid, 'UPDATE customers SET deleted_at = ? WHERE customer_id = ?', T - RETENTION - DAY, cid);
    }
    await cron(T);
    const left = await sql(aid, 'SELECT customer_id FROM customers ORDER BY customer_id');
    expect(left.map((r) => r.customer_id)).toEqual(['ledger-only']);
  });
});
