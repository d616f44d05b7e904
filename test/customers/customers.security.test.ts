import { describe, expect, it } from 'vitest';
import { call, json, ruleBody, tokenWith } from '../helpers';
import { cron, DAY, RETENTION, sql } from '../maintenance/helpers';

/** Customers: bounded queries, and a purge that cannot hand one customer's refs to another (issue 14). */
const customersPath = (aid: string, rest = '') => `/v1/accounts/${aid}/customers/users${rest}`;

describe('bounded queries (item 4)', () => {
  it('more attributes_keys/values than the limit are 400 naming the field, never 500', async () => {
    const aid = 'T71440001';
    const token = await tokenWith(undefined, aid);
    const keys = Array.from({ length: 120 }, (_, i) => `attributes_keys=k${i}`).join('&');
    const values = Array.from({ length: 120 }, (_, i) => `attributes_values=v${i}`).join('&');
    const res = await json(call('GET', `${customersPath(aid)}?${keys}&${values}`, { token }));
    expect(res.status).toBe(400);
    expect(res.body.error.errors[0].field).toMatch(/^attributes_(keys|values)$/);
    const brackets = Array.from({ length: 120 }, (_, i) => `attributes_keys[]=k${i}`).join('&');
    expect((await call('GET', `${customersPath(aid)}?${brackets}`, { token })).status).toBe(400);
    const twenty = Array.from({ length: 20 }, (_, i) => `attributes_keys=k${i}`).join('&');
    expect((await call('GET', `${customersPath(aid)}?${twenty}`, { token })).status).toBe(200);
  });
});

describe('the purge of deleted customers (item 9)', () => {
  it('keeps a customer that a ref or a ledger row names; purges one nothing names', async () => {
    const aid = 'T71440002';
    const token = await tokenWith(undefined, aid);
    const rule = await json(call('POST', `/v1/accounts/${aid}/discounts/rules`, { token, body: ruleBody() }));
    const did = rule.body.id;
    for (const cid of ['with-ref', 'with-ledger', 'alone']) {
      const body = { customer_id: cid, first_name: 'Kari' };
      expect((await call('POST', customersPath(aid), { token, body })).status).toBe(200);
    }
    const given = await json(
      call('POST', `/v1/accounts/${aid}/discounts/rules/${did}/customers`, {
        token,
        body: { customers: ['with-ref', 'with-ledger'] },
      }),
    );
    const ledgerRef = given.body.refs.find((r: { customer_id: string }) => r.customer_id === 'with-ledger');
    // A usage recorded by hand, then the ref taken back: only the ledger row names the customer.
    const usage = await call('POST', `/v1/accounts/${aid}/discounts/customers/with-ledger/refs/${ledgerRef.id}`, {
      token,
      body: { usage_ref: { ref: 'visit-1', amount: 100, usage: 1 } },
    });
    expect(usage.status).toBe(200);
    const taken = await call('DELETE', `/v1/accounts/${aid}/discounts/rules/${did}/customers`, {
      token,
      body: { customers: ['with-ledger'] },
    });
    expect(taken.status).toBe(200);

    const now = Date.now();
    for (const cid of ['with-ref', 'with-ledger', 'alone']) {
      expect((await call('DELETE', customersPath(aid, `/${cid}`), { token })).status).toBe(200);
      await sql(aid, 'UPDATE customers SET deleted_at = ? WHERE customer_id = ?', now - RETENTION - DAY, cid);
    }
    await cron(now);
    expect((await call('GET', customersPath(aid, '/alone'), { token })).status).toBe(404);
    for (const cid of ['with-ref', 'with-ledger']) {
      const kept = await json(call('GET', customersPath(aid, `/${cid}`), { token }));
      expect(kept.status, cid).toBe(200);
      expect(kept.body.deleted_at, cid).toEqual(expect.any(String));
    }
  });
});
