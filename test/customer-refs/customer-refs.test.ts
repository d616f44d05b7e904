import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, json, ruleBody, tokenWith } from '../helpers';

// Refs given to `*` reach every customer of the account, so tests that list a customer's rules
// each get an account of their own (`useAccount`).
let aid = 'T30000001';
let base = `/v1/accounts/${aid}/discounts`;
let token: string;
async function useAccount(id: string) {
  aid = id;
  base = `/v1/accounts/${aid}/discounts`;
  token = await tokenWith(undefined, aid);
}

async function rule(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await json(call('POST', `${base}/rules`, { token, body: ruleBody(overrides) }));
  expect(res.status).toBe(200);
  return res.body.id;
}
const give = (did: string, body: unknown) => json(call('POST', `${base}/rules/${did}/customers`, { token, body }));
const claim = (body: unknown) => json(call('POST', `${base}/available_for_receipt/claims`, { token, body }));

beforeAll(async () => {
  token = await tokenWith(undefined, aid);
});

describe("a customer's rules and refs", { timeout: 30_000 }, () => {
  let n = 10;
  beforeEach(() => useAccount(`T300000${n++}`));
  const rulesOf = (cid: string, query = '') => json(call('GET', `${base}/customers/${cid}/rules${query}`, { token }));

  it('lists usable rules with ref_id and statistics, own and * refs', async () => {
    const own = await rule({ name: 'own' });
    const everyone = await rule({ name: 'everyone' });
    const anonymous = await rule({ name: 'anonymous' });
    const ownRef = (await give(own, { customers: ['gina'] })).body[0];
    await give(everyone, { customers: ['*'] });
    await give(anonymous, { customers: ['/'] });
    const res = await rulesOf('gina');
    expect(res.status).toBe(200);
    const names = res.body.map((r: any) => r.name);
    expect(names).toContain('own');
    expect(names).toContain('everyone');
    expect(names).not.toContain('anonymous');
    const mine = res.body.find((r: any) => r.name === 'own');
    expect(mine).toMatchObject({
      id: own,
      ref_id: ownRef.id,
      statistics: { stamp: 0, current_stamp: 0, usage: 0, amount: 0, debit_balance: 0 },
    });
  });

  it('drops a rule once discount_repeat_usage is used up, and rules past their window', async () => {
    const cid = 'hanna';
    const twice = await rule({ name: 'twice', limitation: { discount_repeat_usage: 2 } });
    const ended = await rule({
      name: 'ended',
      requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2021-01-01T00:00:00Z' },
    });
    const inactive = await rule({ name: 'inactive', active: false });
    const removed = await rule({ name: 'removed' });
    const ref = (await give(twice, { customers: [cid] })).body[0];
    await give(ended, { customers: [cid] });
    await give(inactive, { customers: [cid] });
    await give(removed, { customers: [cid] });
    await call('DELETE', `${base}/rules/${removed}`, { token });
    expect((await rulesOf(cid)).body.map((r: any) => r.name)).toEqual(['twice']);

    for (let i = 0; i < 2; i++) {
      const c = await claim({
        purchase_at: new Date().toISOString(),
        customer_id: cid,
        discounts: [{ id: twice, refs: [{ id: ref.id, amount: 100, usage: 1 }] }],
      });
      expect(c.status).toBe(200);
      const left = (await rulesOf(cid)).body;
      expect(left.map((r: any) => r.name)).toEqual(i === 0 ? ['twice'] : []);
      if (i === 0) expect(left[0].statistics).toMatchObject({ usage: 1, amount: 100 });
    }
  });

  it('drops a ref once its dynamic_purchase_to_days window has passed', async () => {
    const { env } = await import('cloudflare:workers');
    const { runInDurableObject } = await import('cloudflare:test');
    const did = await rule({ name: 'dynamic', limitation: { dynamic_purchase_to_days: 3 } });
    const ref = (await give(did, { customers: ['ivar'] })).body[0];
    expect((await rulesOf('ivar')).body.map((r: any) => r.name)).toEqual(['dynamic']);
    // Age the ref by four days: storage is the only way to move a ref's creation time.
    await runInDurableObject(env.ACCOUNTS.getByName(aid), (_i, state) => {
      state.storage.sql.exec('UPDATE refs SET created_at = created_at - ? WHERE id = ?', 4 * 86_400_000, ref.id);
    });
    expect((await rulesOf('ivar')).body).toEqual([]);
    const late = await claim({
      purchase_at: new Date().toISOString(),
      customer_id: 'ivar',
      discounts: [{ id: did, refs: [{ id: ref.id, amount: 1, usage: 1 }] }],
    });
    expect(late.status).toBe(400);
    expect(late.body.error.errors[0].field).toBe('discounts.0.refs.0.id');
  });

  it('pages by ref_id', async () => {
    const cid = 'jonas';
    for (let i = 0; i < 5; i++) {
      const did = await rule({ name: `r${i}` });
      await give(did, { customers: [cid] });
    }
    const first = await rulesOf(cid, '?limit=2&total=true');
    expect(first.body.map((r: any) => r.name)).toEqual(['r0', 'r1']);
    expect(first.headers.get('total-count')).toBe('5');
    const next = await rulesOf(cid, `?limit=2&starting_after=${first.body[1].ref_id}`);
    expect(next.body.map((r: any) => r.name)).toEqual(['r2', 'r3']);
  });

  it('reads, adds usage to (once per usage_ref.ref) and deletes one ref', async () => {
    const cid = 'kari';
    const did = await rule({
      requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z', stamp: 3 },
    });
    const ref = (await give(did, { customers: [cid] })).body[0];
    const path = `${base}/customers/${cid}/refs/${ref.id}`;
    const read = await json(call('GET', path, { token }));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id: ref.id,
      statistics: { stamp: 0, current_stamp: 0, usage: 0, amount: 0, debit_balance: 0 },
    });

    const add = { usage_ref: { ref: 'visit-1', ref_type: 'pos', stamp: 2, amount: 50 } };
    const once = await json(call('POST', path, { token, body: add }));
    expect(once.status).toBe(200);
    expect(once.body.statistics).toMatchObject({ stamp: 2, current_stamp: 2, usage: 0, amount: 50 });
    const twice = await json(call('POST', path, { token, body: add }));
    expect(twice.body.statistics).toMatchObject({ stamp: 2, amount: 50 });
    const usage = await json(
      call('POST', path, { token, body: { usage_ref: { ref: 'visit-2', usage: 1, stamp: 1 } } }),
    );
    // Three stamps (this entry's own included), one reward that spent three: none left.
    expect(usage.body.statistics).toMatchObject({ stamp: 0, current_stamp: 0, usage: 1 });

    const ledger = await json(call('GET', `${base}/rules/${did}/usages?ref_id=${ref.id}`, { token }));
    expect(ledger.body.map((u: any) => [u.source, u.source_ref, u.stamp])).toEqual([
      ['usage_ref', 'visit-1', 2],
      ['usage_ref', 'visit-2', 1],
    ]);
    const ruleStats = await json(call('GET', `${base}/rules/${did}?include=statistics`, { token }));
    expect(ruleStats.body.statistics).toMatchObject({ stamp: 0, usage: 1, amount: 50 });

    expect((await json(call('GET', `${base}/customers/someone-else/refs/${ref.id}`, { token }))).status).toBe(404);
    expect((await json(call('POST', path, { token, body: { usage_ref: { ref: 'x', stamp: -1 } } }))).status).toBe(400);

    const del = await json(call('DELETE', path, { token }));
    expect(del.status).toBe(200);
    expect(del.body.deleted_at).toBeTruthy();
    expect((await json(call('DELETE', path, { token }))).body.deleted_at).toBe(del.body.deleted_at);
    expect((await json(call('POST', path, { token, body: { usage_ref: { ref: 'late' } } }))).status).toBe(400);
  });

  it('a * ref counts per customer and cannot be deleted through one customer', async () => {
    const did = await rule({ limitation: { discount_repeat_usage: 1 } });
    const star = (await give(did, { customers: ['*'] })).body[0];
    const use = (cid: string) =>
      claim({
        purchase_at: new Date().toISOString(),
        customer_id: cid,
        discounts: [{ id: did, refs: [{ id: star.id, amount: 10, usage: 1 }] }],
      });
    expect((await use('lars')).status).toBe(200);
    const again = await use('lars');
    expect(again.status).toBe(400);
    expect(again.body.error.errors[0]).toMatchObject({ field: 'discounts.0.refs.0.id', code: 'discount_repeat_usage' });
    expect((await use('mona')).status).toBe(200);
    const mona = await json(call('GET', `${base}/customers/mona/refs/${star.id}`, { token }));
    expect(mona.body.statistics).toMatchObject({ usage: 1, amount: 10 });
    const lars = await json(call('GET', `${base}/customers/lars/refs/${star.id}`, { token }));
    expect(lars.body.statistics).toMatchObject({ usage: 1, amount: 10 });
    expect((await json(call('DELETE', `${base}/customers/lars/refs/${star.id}`, { token }))).status).toBe(400);
  });
});
