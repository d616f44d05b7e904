import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { call, json } from '../helpers';
import { accountApi } from '../claims/helpers';
import { ROWS_PER_RUN } from '../../shared/maintenance/cleanup';
import type { Env } from '../../functions/env';
import { cron, DAY, diff, dump, RETENTION, sql } from './helpers';
import { iso } from '../../shared/time';

/** The columns a test session row fills (the binding columns of checkout/003 stay NULL). */
const SESSIONS =
  'checkout_sessions (session_id, customer_id, purchase_at, evaluation, created_at, updated_at, expires_at)';

const seqOf = async (aid: string, table: string, where: string, ...args: SqlStorageValue[]) =>
  String((await sql(aid, `SELECT seq FROM ${table} WHERE ${where}`, ...args))[0]!.seq);

const stampRule = {
  name: 'Tenth coffee free',
  requirement: {
    purchase_from: '2020-01-01T00:00:00Z',
    purchase_to: '2099-01-01T00:00:00Z',
    item: { items: [{ id: 'coffee' }] },
    stamp: 5,
  },
  reward: { type: 'discount_item_percent', value: 100 },
  limitation: { stamp_expire_days: 30 },
};
const coffee = (id: string, at: number, customer?: string) => ({
  receipt_id: id,
  purchase_at: iso(at),
  store: { id: 'store-1' },
  ...(customer && { customer_id: customer }),
  items: [{ id: 'coffee', line_id: 1, quantity: 1, gross_amount: 3500, eligible_for_discount: true }],
});

// The cron logs a line per account; the tests read them from the spy instead of the console.
let logs: { mock: { calls: unknown[][] } };
beforeEach(() => {
  logs = vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

describe('scheduled cleanup', { timeout: 60_000 }, () => {
  it('removes exactly what is past each boundary and leaves every other row byte-for-byte', async () => {
    const aid = 'T90000001';
    const T = Date.now();
    const cutoff = T - RETENTION;
    const api = await accountApi(aid);
    const admin = { token: api.token };

    // Checkout sessions: gone once expires_at is not after now (as `session()` reads them).
    for (const [id, expires] of [
      ['s-gone', T - 1],
      ['s-edge', T],
      ['s-live', T + 1],
    ] as const) {
      await sql(
        aid,
        `INSERT INTO ${SESSIONS} VALUES (?, NULL, ?, '{"discounts":[],"applied":[]}', ?, ?, ?)`,
        id,
        iso(T),
        T,
        T,
        expires,
      );
    }
    // Checkout events: kept for the retention, to the millisecond.
    for (const [id, at] of [
      ['e-old', cutoff - 1],
      ['e-keep', cutoff],
    ] as const) {
      await sql(
        aid,
        `INSERT INTO checkout_events (id, event, outcome, created_at, created_by) ` +
          `VALUES (?, 'CAPTURE', 'claimed', ?, 'x')`,
        id,
        at,
      );
    }
    const eOld = await seqOf(aid, 'checkout_events', 'id = ?', 'e-old');

    // Stamps: 30 days, judged exactly as the engine judges them (older than now − 30 days).
    const S = await api.rule(stampRule);
    const [stampRef] = await api.give(S, ['ola']);
    const stamp = (ref: string, at: number, n: number) =>
      api.claim({
        purchase_at: iso(at),
        customer_id: 'ola',
        ref,
        discounts: [{ id: S, refs: [{ id: stampRef, amount: 0, usage: 0, stamp: n }] }],
      });
    const toRelease = (await stamp('c-rel', T - 40 * DAY, 3)).body.id as string;
    for (const [ref, at, n] of [
      ['c-old', T - 30 * DAY - 1, 2],
      ['c-edge', T - 30 * DAY, 1],
      ['c-new', T - DAY, 1],
    ] as const) {
      expect((await stamp(ref, at, n)).status).toBe(200);
    }
    const ledgerSeq = async (claimRef: string) => {
      const claim = (await api.claims(`?ref=${claimRef}`)).body[0].id as string;
      return seqOf(aid, 'ref_usages', 'source_ref = ?', claim);
    };
    const [relRow, oldRow] = [await ledgerSeq('c-rel'), await ledgerSeq('c-old')];

    // Archive: rules whose window ended more than the retention ago leave the engine's set.
    const window = (to: number) => ({
      ...stampRule,
      name: 'Old',
      limitation: {},
      reward: { type: 'discount_amount', value: 500 },
      requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: iso(to), item: { items: [{ id: 'coffee' }] } },
    });
    const X = await api.rule(window(cutoff - 1));
    const Xedge = await api.rule(window(cutoff));
    await api.give(X, ['/']);

    // Soft-deleted rules: purged after the retention unless the ledger names them; their refs go with them.
    const Pgone = await api.rule({ name: 'P gone' });
    const [PgoneRef] = await api.give(Pgone, ['kari']);
    const Pedge = await api.rule({ name: 'P edge' });
    const Pkept = await api.rule({ name: 'P kept' });
    const [PkeptRef] = await api.give(Pkept, ['kari']);
    expect(
      (
        await api.claim({
          purchase_at: iso(T),
          customer_id: 'kari',
          discounts: [{ id: Pkept, refs: [{ id: PkeptRef, amount: 100, usage: 1 }] }],
        })
      ).status,
    ).toBe(200);
    for (const [did, at] of [
      [Pgone, cutoff - 1],
      [Pedge, cutoff],
      [Pkept, cutoff - 1],
    ] as const) {
      expect((await call('DELETE', `${api.base}/rules/${did}`, admin)).status).toBe(200);
      await sql(aid, 'UPDATE rules SET deleted_at = ? WHERE id = ?', at, did);
    }

    // Soft-deleted refs: kept while the ledger names them or they hold an offering constraint.
    const Q = await api.rule({ name: 'Q' });
    const [a1, a2, a3] = await api.give(Q, ['a1', 'a2', 'a3']);
    const a4 = (
      await json(
        call('POST', `${api.base}/rules/${Q}/customers`, {
          ...admin,
          body: { customers: ['a4'], offering_constraint_id: 'promo-1' },
        }),
      )
    ).body.refs[0].id;
    expect(
      (
        await api.claim({
          purchase_at: iso(T),
          customer_id: 'a3',
          discounts: [{ id: Q, refs: [{ id: a3, amount: 100, usage: 1 }] }],
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('DELETE', `${api.base}/rules/${Q}/customers`, {
          ...admin,
          body: { customers: ['a1', 'a2', 'a3', 'a4'] },
        })
      ).status,
    ).toBe(200);
    for (const [ref, at] of [
      [a1, cutoff - 1],
      [a2, cutoff],
      [a3, cutoff - 1],
      [a4, cutoff - 1],
    ] as const) {
      await sql(aid, 'UPDATE refs SET deleted_at = ? WHERE id = ?', at, ref);
    }

    // Deleted customers: purged with their side tables unless a claim names them.
    const [Qkept] = await api.give(Q, ['cust-kept']);
    expect(
      (
        await api.claim({
          purchase_at: iso(T),
          customer_id: 'cust-kept',
          discounts: [{ id: Q, refs: [{ id: Qkept, amount: 100, usage: 1 }] }],
        })
      ).status,
    ).toBe(200);
    for (const [cid, at] of [
      ['cust-gone', cutoff - 1],
      ['cust-edge', cutoff],
      ['cust-kept', cutoff - 1],
    ] as const) {
      const body = { customer_id: cid, first_name: 'Kari', last_name: 'Nordmann', email: `${cid}@example.com` };
      expect((await call('POST', `/v1/accounts/${aid}/customers/users`, { ...admin, body })).status).toBe(200);
      expect((await call('DELETE', `/v1/accounts/${aid}/customers/users/${cid}`, admin)).status).toBe(200);
      await sql(aid, 'UPDATE customers SET deleted_at = ? WHERE customer_id = ?', at, cid);
    }
    const custGone = await seqOf(aid, 'customers', 'customer_id = ?', 'cust-gone');

    // What requests see before the run.
    const refBefore = (await api.ref('ola', stampRef!)).body.statistics;
    const nowReceipt = coffee('r-now', T, 'ola');
    const offerBefore = (await api.evaluate(nowReceipt)).body;
    const backdated = coffee('r-old', cutoff - DAY);
    expect((await api.evaluate(backdated)).body.discounts.map((d: { id: string }) => d.id)).toContain(X);
    expect((await api.ruleStats(S)).stamp).toBe(7);
    const ruleBefore = (await json(call('GET', `${api.base}/rules/${X}`, admin))).body;

    const before = await dump(aid);
    await cron(T);
    const after = await dump(aid);

    const seq = (table: string, id: string) => seqOf(aid, table, 'id = ?', id);
    const changes = diff(before, after);
    expect(Object.keys(changes).sort()).toEqual([
      'checkout_events',
      'checkout_sessions',
      'customer_grams',
      'customer_terms',
      'customers',
      'meta',
      'ref_usages',
      'refs',
      'rules',
    ]);
    expect(changes.checkout_sessions).toEqual({ removed: ['s-edge', 's-gone'], added: [], changed: {} });
    expect(changes.checkout_events).toEqual({ removed: [eOld], added: [], changed: {} });
    expect(changes.ref_usages).toEqual({
      removed: [],
      added: [],
      changed: { [relRow]: ['expired_at'], [oldRow]: ['expired_at'] },
    });
    const seqBefore = (table: string, id: string) =>
      String(JSON.parse([...before[table]!.values()].find((r) => JSON.parse(r).id === id)!).seq);
    const purgedRefSeqs = [seqBefore('refs', a1!), seqBefore('refs', PgoneRef!)].sort();
    expect(changes.refs).toEqual({
      removed: purgedRefSeqs,
      added: [],
      changed: { [await seq('refs', stampRef!)]: ['stamp'] },
    });
    const PgoneSeq = seqBefore('rules', Pgone);
    expect(changes.rules).toEqual({
      removed: [PgoneSeq],
      added: [],
      changed: { [await seq('rules', S)]: ['stat_stamp'], [await seq('rules', X)]: ['archived_at'] },
    });
    expect(changes.customers).toEqual({ removed: [custGone], added: [], changed: {} });
    // The tombstone's only term (its customer_id) and that term's grams.
    expect(changes.customer_terms).toEqual({ removed: [`${custGone}|cust-gone`], added: [], changed: {} });
    expect(changes.customer_grams).toEqual({
      removed: ['c', 'cu', 'cus', 'cust'].map((g) => `${g}|${custGone}`).sort(),
      added: [],
      changed: {},
    });
    expect(changes.meta).toEqual({
      removed: [],
      added: ['maintenance', 'maintenance_cursors'],
      changed: { content_version: ['value'] },
    });

    // Counters lost exactly the expired stamps (3 + 2), and so did the ref's `stamp` (unspent and
    // not expired by the cleanup); what counts now and what the engine offers are unchanged.
    expect((await api.ruleStats(S)).stamp).toBe(2);
    expect((await api.ref('ola', stampRef!)).body.statistics).toEqual({ ...refBefore, stamp: 2 });
    expect((await api.evaluate(nowReceipt)).body).toEqual(offerBefore);
    // The archived rule is history: readable as before, but the engine no longer loads it.
    expect((await json(call('GET', `${api.base}/rules/${X}`, admin))).body).toEqual(ruleBefore);
    expect((await api.evaluate(backdated)).body.discounts.map((d: { id: string }) => d.id)).not.toContain(X);
    expect((await json(call('GET', `${api.base}/rules/${Pgone}`, admin))).status).toBe(404);
    expect((await json(call('GET', `${api.base}/rules/${Pedge}`, admin))).status).toBe(200);
    expect((await json(call('GET', `/v1/accounts/${aid}/customers/users/cust-gone`, admin))).status).toBe(404);
    expect((await json(call('GET', `/v1/accounts/${aid}/customers/users/cust-kept`, admin))).status).toBe(200);
    expect(Xedge).toBeTruthy();

    // Releasing a claim whose stamps expired takes back only what the counters still hold.
    expect((await api.release(toRelease)).status).toBe(200);
    expect((await api.ruleStats(S)).stamp).toBe(2);
    expect((await sql(aid, 'SELECT stamp FROM refs WHERE id = ?', stampRef!))[0]!.stamp).toBe(2);
    expect((await api.ref('ola', stampRef!)).body.statistics.stamp).toBe(2);

    // One structured line per account, and the summary over HTTP.
    const line = logs.mock.calls.map((c) => JSON.parse(String(c[0]))).find((l) => l.msg === 'cleanup' && l.aid === aid);
    expect(line).toMatchObject({
      level: 'info',
      idle: false,
      complete: true,
      removed: { checkout_sessions: 2, checkout_events: 1, purged_customers: 1 },
    });
    expect(line.ms).toBeGreaterThanOrEqual(0);
    const status = await json(call('GET', `/v1/accounts/${aid}/maintenance`, admin));
    expect(status.status).toBe(200);
    expect(status.body.last_run).toMatchObject({
      as_of: iso(T),
      retention_days: 90,
      idle: false,
      complete: true,
      remaining: [],
      removed: {
        checkout_sessions: 2,
        checkout_events: 1,
        expired_stamp_rows: 2,
        expired_stamps: 5,
        archived_rules: 1,
        purged_rules: 1,
        purged_refs: 2,
        purged_customers: 1,
      },
      kept: { rules: 1, refs: 2, customers: 1 },
    });
    expect(status.body.cursors.customers).toEqual({ deleted_at: iso(cutoff - 1), seq: Number(custGone) + 2 });
  });

  it('two runs equal one run: a second run at the same time changes nothing', async () => {
    // Its own account and data (one of each kind of due row), so it runs alone too.
    const aid = 'T90000006';
    const api = await accountApi(aid);
    const T = Date.now();
    const cutoff = T - RETENTION;
    await sql(
      aid,
      `INSERT INTO ${SESSIONS} VALUES ('s-gone', NULL, ?, '{"discounts":[],"applied":[]}', ?, ?, ?)`,
      iso(T),
      T,
      T,
      T - 1,
    );
    await sql(
      aid,
      `INSERT INTO checkout_events (id, event, outcome, created_at, created_by) ` +
        `VALUES ('e-old', 'CAPTURE', 'claimed', ?, 'x')`,
      cutoff - 1,
    );
    const S = await api.rule(stampRule);
    const [card] = await api.give(S, ['ola']);
    for (const [ago, n] of [
      [40 * DAY, 2],
      [DAY, 1],
    ] as const) {
      const res = await api.claim({
        purchase_at: iso(T - ago),
        customer_id: 'ola',
        discounts: [{ id: S, refs: [{ id: card, amount: 0, usage: 0, stamp: n }] }],
      });
      expect(res.status).toBe(200);
    }
    const Q = await api.rule({ name: 'Q' });
    const [gone] = await api.give(Q, ['kari']);
    expect(
      (await call('DELETE', `${api.base}/rules/${Q}/customers`, { token: api.token, body: { customers: ['kari'] } }))
        .status,
    ).toBe(200);
    await sql(aid, 'UPDATE refs SET deleted_at = ? WHERE id = ?', cutoff - 1, gone!);

    await cron(T);
    const first = (await json(call('GET', `/v1/accounts/${aid}/maintenance`, { token: api.token }))).body.last_run;
    expect(first).toMatchObject({
      as_of: iso(T),
      complete: true,
      removed: { checkout_sessions: 1, checkout_events: 1, expired_stamp_rows: 1, expired_stamps: 2, purged_refs: 1 },
    });
    const once = await dump(aid);
    await cron(T);
    expect(diff(once, await dump(aid))).toEqual({});
  });

  it('an archived rule that is changed rejoins the engine', async () => {
    const aid = 'T90000004';
    const api = await accountApi(aid);
    const T = Date.now();
    const body = {
      name: 'Ended',
      requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: iso(T - RETENTION - 1) },
      reward: { type: 'discount_amount', value: 500 },
    };
    const did = await api.rule(body);
    await cron(T);
    const archived = async () => (await sql(aid, 'SELECT archived_at FROM rules WHERE id = ?', did))[0]!.archived_at;
    expect(await archived()).toBe(T);
    const res = await call('PUT', `${api.base}/rules/${did}`, {
      token: api.token,
      body: { requirement: { purchase_to: '2099-01-01T00:00:00Z' } },
    });
    expect(res.status).toBe(200);
    expect(await archived()).toBeNull();
    await api.give(did, ['/']);
    const offer = await api.evaluate({ ...coffee('r-1', Date.now()) });
    expect(offer.body.discounts.map((d: { id: string }) => d.id)).toContain(did);
  });

  it('a run over more rows than the per-run bound finishes over several runs', async () => {
    const aid = 'T90000002';
    const api = await accountApi(aid);
    // The rows below are placed with SQL; an API write is what registers an account for the cron.
    expect(
      (await call('PUT', `/v1/accounts/${aid}/settings`, { token: api.token, body: { retention_days: 90 } })).status,
    ).toBe(200);
    const T = Date.now();
    const cutoff = T - RETENTION;
    await sql(
      aid,
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
      INSERT INTO checkout_events (id, event, outcome, created_at, created_by) ` +
        `SELECT 'old-' || i, 'CAPTURE', 'claimed', ? - i, 'x' FROM n`,
      cutoff,
    );
    await sql(
      aid,
      `INSERT INTO checkout_events (id, event, outcome, created_at, created_by) ` +
        `VALUES ('keep', 'CAPTURE', 'claimed', ?, 'x')`,
      cutoff,
    );
    await sql(
      aid,
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 700)
      INSERT INTO refs (id, rule_id, kind, created_at, created_by, updated_at, deleted_at, deleted_by)
      SELECT 'ref-' || i, 'r', '/', 0, 'x', 0, ? - i, 'x' FROM n`,
      cutoff,
    );
    const status = async () =>
      (await json(call('GET', `/v1/accounts/${aid}/maintenance`, { token: api.token }))).body.last_run;

    await cron(T);
    expect(await status()).toMatchObject({
      complete: false,
      remaining: ['checkout_events', 'purge_refs'],
      removed: { checkout_events: ROWS_PER_RUN, purged_refs: 0 },
    });
    await cron(T);
    expect(await status()).toMatchObject({
      complete: false,
      remaining: ['purge_refs'],
      removed: { checkout_events: 500, purged_refs: 500 },
    });
    await cron(T);
    const last = await status();
    expect(last).toMatchObject({ complete: true, remaining: [], removed: { checkout_events: 0, purged_refs: 200 } });
    const done = await dump(aid);
    await cron(T);
    expect(await status()).toEqual(last);
    expect(diff(done, await dump(aid))).toEqual({});
    expect(await sql(aid, 'SELECT id FROM checkout_events')).toEqual([{ id: 'keep' }]);
    expect(await sql(aid, 'SELECT COUNT(*) AS n FROM refs')).toEqual([{ n: 0 }]);
  });

  it('an account with nothing to clean costs one call, a few index probes and no writes', async () => {
    const aid = 'T90000003';
    const api = await accountApi(aid);
    const T = Date.now();
    // Plenty of data, none of it due: the probes must not walk it.
    await sql(
      aid,
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
      INSERT INTO checkout_events (id, event, outcome, created_at, created_by) ` +
        `SELECT 'e-' || i, 'CAPTURE', 'claimed', ? - i, 'x' FROM n`,
      T,
    );
    await sql(
      aid,
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
      INSERT INTO ${SESSIONS}
      SELECT 's-' || i, NULL, '', '{}', 0, 0, ? + i FROM n`,
      T,
    );
    await sql(
      aid,
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
      INSERT INTO refs (id, rule_id, kind, created_at, created_by, updated_at, deleted_at, deleted_by)
      SELECT 'ref-' || i, 'r', '/', 0, 'x', 0, ? - i, 'x' FROM n`,
      T,
    );
    const S = await api.rule(stampRule);
    const [ref] = await api.give(S, ['ola']);
    for (let i = 0; i < 20; i++) {
      await api.claim({
        purchase_at: iso(T - i * DAY),
        customer_id: 'ola',
        discounts: [{ id: S, refs: [{ id: ref, amount: 0, usage: 0, stamp: 1 }] }],
      });
    }
    for (let i = 0; i < 20; i++) await api.rule({ name: `r${i}` });

    const calls: { aid: string; method: string; result: any }[] = [];
    const counted = {
      ...(env as unknown as Env),
      ACCOUNTS: {
        getByName(name: string) {
          const stub = env.ACCOUNTS.getByName(name) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
          return new Proxy(stub, {
            get:
              (target, method) =>
              async (...args: unknown[]) => {
                const result = await target[method as string]!(...args);
                calls.push({ aid: name, method: String(method), result });
                return result;
              },
          });
        },
      },
    } as unknown as Env;
    const before = await dump(aid);
    await cron(T, counted);
    const mine = calls.filter((c) => c.aid === aid);
    expect(mine.map((c) => c.method)).toEqual(['cleanup']);
    expect(mine[0]!.result).toMatchObject({ idle: true, complete: true, rows_written: 0 });
    expect(mine[0]!.result.rows_read).toBeLessThanOrEqual(12);
    expect(diff(before, await dump(aid))).toEqual({});
    expect((await json(call('GET', `/v1/accounts/${aid}/maintenance`, { token: api.token }))).body.last_run).toBeNull();
  });

  it('follows the retention setting and registers every account it cleans', async () => {
    const aid = 'T90000005';
    const api = await accountApi(aid);
    expect(
      (await call('PUT', `/v1/accounts/${aid}/settings`, { token: api.token, body: { retention_days: 7 } })).status,
    ).toBe(200);
    const T = Date.now();
    for (const [id, at] of [
      ['old', T - 7 * DAY - 1],
      ['keep', T - 7 * DAY],
    ] as const) {
      await sql(
        aid,
        `INSERT INTO checkout_events (id, event, outcome, created_at, created_by) ` +
          `VALUES (?, 'CAPTURE', 'claimed', ?, 'x')`,
        id,
        at,
      );
    }
    const { aids } = await env.REGISTRY.getByName('registry').page(500);
    expect(aids).toEqual(expect.arrayContaining(['T90000001', 'T90000002', 'T90000003', 'T90000004', aid]));
    await cron(T);
    expect(await sql(aid, 'SELECT id FROM checkout_events')).toEqual([{ id: 'keep' }]);
    const bad = await json(
      call('PUT', `/v1/accounts/${aid}/settings`, { token: api.token, body: { retention_days: 0 } }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.errors[0].field).toBe('retention_days');
  });
});
