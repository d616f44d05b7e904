import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, tokenWith } from '../helpers';
import { accountApi, claimBody, NOW } from './helpers';

let api: Awaited<ReturnType<typeof accountApi>>;
beforeAll(async () => {
  api = await accountApi('T31000001');
});

describe('POST claims', { timeout: 30_000 }, () => {
  it('commits usage and amount to the ref and the rule, and answers the claim', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['anna']);
    const body = claimBody(did, refId!, 'anna', { ref: 'tx-basic', type: 'pos' }, { amount: 2500 });
    const res = await api.claim(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      purchase_at: body.purchase_at,
      customer_id: 'anna',
      discounts: [{ id: did, refs: [{ id: refId, amount: 2500, usage: 1, stamp: 0 }] }],
      ref: 'tx-basic',
      type: 'pos',
      created_by: 'test-client',
    });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await api.ref('anna', refId!)).body.statistics).toMatchObject({ usage: 1, amount: 2500 });
    expect(await api.ruleStats(did)).toMatchObject({ usage: 1, used: 1, amount: 2500 });
    const read = await json(
      call('GET', `${api.base}/available_for_receipt/claims/${res.body.id}`, { token: api.token }),
    );
    expect(read.body).toEqual(res.body);
  });

  it('accepts the refs available_for_receipt answered (extra fields are dropped)', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['bent']);
    const res = await api.claim({
      purchase_at: NOW(),
      customer_id: 'bent',
      discounts: [
        {
          id: did,
          name: 'x',
          type: 'receipt',
          refs: [{ id: refId, amount: 10, usage: 1, stamp: 0, bonus: 0, statistics: { usage: 0 }, items: [] }],
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.discounts).toEqual([{ id: did, refs: [{ id: refId, amount: 10, usage: 1, stamp: 0 }] }]);
  });

  it(
    'refuses refs that are unknown, of another discount, of another customer, ' + 'or unusable, naming the ref',
    async () => {
      const did = await api.rule();
      const other = await api.rule();
      const [own] = await api.give(did, ['cecilie']);
      const [anonymous] = await api.give(did, ['/']);
      const [everyone] = await api.give(did, ['*']);
      const cases: [unknown, string, string][] = [
        [claimBody(did, '00000000-0000-4000-8000-000000000000', 'cecilie'), 'discounts.0.refs.0.id', 'unknown_ref'],
        [claimBody(other, own!, 'cecilie'), 'discounts.0.refs.0.id', 'wrong_discount'],
        [claimBody(did, own!, 'dag'), 'discounts.0.refs.0.id', 'not_held'],
        [claimBody(did, anonymous!, 'cecilie'), 'discounts.0.refs.0.id', 'not_held'],
        [claimBody(did, everyone!, undefined), 'discounts.0.refs.0.id', 'not_held'],
        [
          { ...claimBody(did, own!, 'cecilie'), purchase_at: '2019-06-01T00:00:00Z' },
          'discounts.0.refs.0.id',
          'not_usable',
        ],
      ];
      for (const [body, field, code] of cases) {
        const res = await api.claim(body);
        expect(res.status, code).toBe(400);
        expect(res.body.error.errors).toEqual([expect.objectContaining({ field, code })]);
      }
      // A `/` ref serves a claim without a customer; a `*` ref any customer.
      const anon = await api.claim(claimBody(did, anonymous!, undefined));
      expect(anon.status).toBe(200);
      expect(anon.body.customer_id).toBeUndefined();
      expect(anon.body.discounts).toEqual([{ id: did, refs: [expect.objectContaining({ id: anonymous, usage: 1 })] }]);
      const star = await api.claim(claimBody(did, everyone!, 'dag'));
      expect(star.status).toBe(200);
      expect(star.body).toMatchObject({
        customer_id: 'dag',
        discounts: [{ id: did, refs: [{ id: everyone, usage: 1 }] }],
      });
      // Counted for dag on the shared ref, and nowhere else.
      expect((await api.ref('dag', everyone!)).body.statistics).toMatchObject({ usage: 1, purchases: 1 });
      expect((await api.ref('cecilie', everyone!)).body.statistics).toMatchObject({ usage: 0 });
    },
  );

  it('validates the body, naming the field and never echoing it', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['eva']);
    const bad: [unknown, string][] = [
      [{ ...claimBody(did, refId!, 'eva'), customer_id: ' eva' }, 'customer_id'],
      [{ ...claimBody(did, refId!, 'eva'), customer_id: 'e'.repeat(256) }, 'customer_id'],
      [{ ...claimBody(did, refId!, 'eva'), discounts: [] }, 'discounts'],
      [{ ...claimBody(did, refId!, 'eva'), purchase_at: 'yesterday' }, 'purchase_at'],
      [claimBody(did, refId!, 'eva', {}, { amount: -1 }), 'discounts.0.refs.0.amount'],
      [claimBody(did, refId!, 'eva', {}, { usage: 1.5 }), 'discounts.0.refs.0.usage'],
      [{ ...claimBody(did, refId!, 'eva'), ref: '' }, 'ref'],
      [{ ...claimBody(did, refId!, 'eva'), surprise: 1 }, 'surprise'],
    ];
    for (const [body, field] of bad) {
      const res = await api.claim(body);
      expect(res.status, field).toBe(400);
      expect(res.body.error.errors[0].field).toBe(field);
      expect(JSON.stringify(res.body)).not.toContain('eeeeeeee');
    }
    const twice = await api.claim({
      purchase_at: NOW(),
      customer_id: 'eva',
      discounts: [
        {
          id: did,
          refs: [
            { id: refId, amount: 1, usage: 1 },
            { id: refId, amount: 1, usage: 1 },
          ],
        },
      ],
    });
    expect(twice.body.error.errors[0]).toMatchObject({ field: 'discounts.0.refs.1.id', code: 'duplicate' });
  });

  it('enforces discount_reward_usage per purchase', async () => {
    const did = await api.rule({ limitation: { discount_reward_usage: 2 } });
    const [refId] = await api.give(did, ['frida']);
    const three = await api.claim(claimBody(did, refId!, 'frida', {}, { usage: 3 }));
    expect(three.status).toBe(400);
    expect(three.body.error.errors[0]).toMatchObject({
      field: 'discounts.0.refs.0.usage',
      code: 'discount_reward_usage',
    });
    expect((await api.claim(claimBody(did, refId!, 'frida', {}, { usage: 2 }))).status).toBe(200);
  });

  it('a claim naming two refs where the second is exhausted commits nothing', async () => {
    const open = await api.rule();
    const once = await api.rule({ limitation: { discount_repeat_usage: 1 } });
    const [openRef] = await api.give(open, ['geir']);
    const [onceRef] = await api.give(once, ['geir']);
    expect((await api.claim(claimBody(once, onceRef!, 'geir'))).status).toBe(200);
    const both = await api.claim({
      purchase_at: NOW(),
      customer_id: 'geir',
      ref: 'tx-both',
      discounts: [
        { id: open, refs: [{ id: openRef, amount: 500, usage: 1 }] },
        { id: once, refs: [{ id: onceRef, amount: 500, usage: 1 }] },
      ],
    });
    expect(both.status).toBe(400);
    expect(both.body.error.errors[0]).toMatchObject({ field: 'discounts.1.refs.0.id', code: 'discount_repeat_usage' });
    expect((await api.ref('geir', openRef!)).body.statistics).toMatchObject({ usage: 0, amount: 0 });
    expect(await api.ruleStats(open)).toMatchObject({ usage: 0, amount: 0 });
    expect((await api.usages(open)).body).toEqual([]);
    // The refused claim did not take its ref either.
    expect((await api.claims('?ref=tx-both')).body).toEqual([]);
  });

  it('discount_debit: claims draw the balance down (never below 0), release restores it', async () => {
    const did = await api.rule({ reward: { type: 'discount_debit', value: 1000 } });
    const [refId] = await api.give(did, ['hege']);
    expect((await api.ref('hege', refId!)).body.statistics.debit_balance).toBe(1000);
    expect(await api.ruleStats(did)).toMatchObject({ debit_balance: 1000 });
    const first = await api.claim(claimBody(did, refId!, 'hege', {}, { amount: 700 }));
    expect(first.status).toBe(200);
    expect((await api.ref('hege', refId!)).body.statistics).toMatchObject({ amount: 700, debit_balance: 300 });
    const second = await api.claim(claimBody(did, refId!, 'hege', {}, { amount: 500 }));
    expect(second.status).toBe(200);
    expect((await api.ref('hege', refId!)).body.statistics).toMatchObject({ amount: 1200, debit_balance: 0 });
    expect((await api.usages(did)).body.map((u: any) => u.debit)).toEqual([700, 300]);
    await api.release(first.body.id);
    expect((await api.ref('hege', refId!)).body.statistics).toMatchObject({ amount: 500, debit_balance: 700 });
    await api.release(second.body.id);
    expect((await api.ref('hege', refId!)).body.statistics).toMatchObject({ amount: 0, debit_balance: 1000 });
    expect(await api.ruleStats(did)).toMatchObject({ debit_balance: 1000, amount: 0, usage: 0 });
  });

  it(
    'discount_debit: releasing a claim on a deleted ref restores the ref, ' + 'not the rule (which sums live refs)',
    async () => {
      const did = await api.rule({ reward: { type: 'discount_debit', value: 500 } });
      const [refId, keptId] = await api.give(did, ['helga', 'helmer']);
      const claimed = await api.claim(claimBody(did, refId!, 'helga', {}, { amount: 200 }));
      expect(await api.ruleStats(did)).toMatchObject({ debit_balance: 800, amount: 200, usage: 1 });
      expect((await call('DELETE', `${api.base}/customers/helga/refs/${refId}`, { token: api.token })).status).toBe(
        200,
      );
      expect(await api.ruleStats(did)).toMatchObject({ debit_balance: 500 });
      expect((await api.release(claimed.body.id)).status).toBe(200);
      // The deleted ref's own figures follow its ledger (its usages entry; reading it through the
      // customer is Dintero's 400 for a deleted ref); the rule's balance is the live ref's alone.
      expect((await api.ref('helga', refId!)).body.error.code).toBe('ref_deleted');
      const usages = await json(call('GET', `${api.base}/rules/${did}/usages`, { token: api.token }));
      expect(usages.body.find((u: { ref_id: string }) => u.ref_id === refId).statistics).toMatchObject({
        amount: 0,
        usage: 0,
        debit_balance: 500,
      });
      expect(await api.ruleStats(did)).toMatchObject({ debit_balance: 500, amount: 0, usage: 0 });
      // Releasing again changes nothing, and the live ref still draws the rule's balance down.
      await api.release(claimed.body.id);
      await api.claim(claimBody(did, keptId!, 'helmer', {}, { amount: 100 }));
      expect(await api.ruleStats(did)).toMatchObject({ debit_balance: 400, amount: 100, usage: 1 });
    },
  );

  it('scopes: the path-scoped ones grant claims, read scopes only reads', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['ivar']);
    const path = `${api.base}/available_for_receipt/claims`;
    const writer = await tokenWith(['write:discounts:/available_for_receipt'], api.aid);
    const reader = await tokenWith(['read:discounts:/available_for_receipt'], api.aid);
    const created = await json(call('POST', path, { token: writer, body: claimBody(did, refId!, 'ivar') }));
    expect(created.status).toBe(200);
    expect((await call('POST', path, { token: reader, body: claimBody(did, refId!, 'ivar') })).status).toBe(403);
    expect((await call('GET', path, { token: reader })).status).toBe(200);
    expect((await call('GET', `${path}/${created.body.id}`, { token: writer })).status).toBe(403);
    expect((await call('DELETE', `${path}/${created.body.id}`, { token: reader })).status).toBe(403);
    expect((await call('DELETE', `${path}/${created.body.id}`, { token: writer })).status).toBe(200);
    expect((await call('GET', path)).status).toBe(401);
  });
});

describe('idempotency by ref', { timeout: 30_000 }, () => {
  it('50 identical claims with one ref in parallel: one claim, 50 answers with its id, counted once', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['jon']);
    const body = claimBody(did, refId!, 'jon', { ref: 'tx-parallel-same' }, { amount: 300 });
    const answers = await Promise.all(Array.from({ length: 50 }, () => api.claim(body)));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect((await api.claims('?ref=tx-parallel-same')).body).toHaveLength(1);
    expect((await api.ref('jon', refId!)).body.statistics).toMatchObject({ usage: 1, amount: 300 });
    expect(await api.ruleStats(did)).toMatchObject({ usage: 1, amount: 300 });
    expect((await api.usages(did)).body).toHaveLength(1);
  });

  it('parallel debit claims never draw more than the balance', async () => {
    const did = await api.rule({ reward: { type: 'discount_debit', value: 1000 } });
    const [refId] = await api.give(did, ['ivar']);
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        api.claim(claimBody(did, refId!, 'ivar', { ref: `tx-debit-${i}` }, { amount: 300 })),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const debits = (await api.usages(did)).body.map((u: { debit: number }) => u.debit);
    expect(debits.reduce((s: number, d: number) => s + d, 0)).toBe(1000);
    expect([...debits].sort((a, b) => a - b)).toEqual([0, 100, 300, 300, 300]);
    expect((await api.ref('ivar', refId!)).body.statistics.debit_balance).toBe(0);
    expect(await api.ruleStats(did)).toMatchObject({ debit_balance: 0 });
  });

  it('50 parallel claims with distinct refs against discount_repeat_usage 10: exactly 10 succeed', async () => {
    const did = await api.rule({ limitation: { discount_repeat_usage: 10 } });
    const [refId] = await api.give(did, ['kine']);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api.claim(claimBody(did, refId!, 'kine', { ref: `tx-repeat-${i}` }))),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 400)).toHaveLength(40);
    for (const a of answers.filter((x) => x.status === 400)) {
      expect(a.body.error.errors[0]).toMatchObject({ field: 'discounts.0.refs.0.id', code: 'discount_repeat_usage' });
    }
    expect((await api.ref('kine', refId!)).body.statistics.usage).toBe(10);
    expect(await api.ruleStats(did)).toMatchObject({ usage: 10 });
    // The 40 refused left nothing behind: ten distinct claims, ten ledger entries.
    expect(new Set(answers.filter((a) => a.status === 200).map((a) => a.body.id)).size).toBe(10);
    expect((await api.usages(did)).body).toHaveLength(10);
    expect((await api.claims('?customer_id=kine&limit=100')).body).toHaveLength(10);
  });

  it('discount_repeat_usage counts purchases, not rewards: buy 3 pay 2 on 7 units twice, then refused', async () => {
    const did = await api.rule({
      requirement: {
        purchase_from: '2020-01-01T00:00:00Z',
        purchase_to: '2099-01-01T00:00:00Z',
        item: { items: [{ id: 'tyre' }], quantity: 3 },
      },
      reward: { type: 'discount_item_quantity', value: 1 },
      limitation: { discount_repeat_usage: 2 },
    });
    const [refId] = await api.give(did, ['nils']);
    const seven = (n: number) => ({
      receipt_id: `tyres-${n}`,
      purchase_at: NOW(),
      store: { id: 'store-1' },
      customer_id: 'nils',
      items: [{ id: 'tyre', line_id: 1, quantity: 7, gross_amount: 70000, eligible_for_discount: true }],
    });
    const offer = async (n: number) =>
      (await api.evaluate(seven(n))).body.discounts.find((d: { id: string }) => d.id === did)?.refs[0];
    for (const n of [1, 2]) {
      const offered = await offer(n);
      // Two free tyres per purchase: two rewards, one purchase.
      expect(offered).toMatchObject({ id: refId, usage: 2, amount: 20000 });
      const res = await api.claim({
        purchase_at: NOW(),
        customer_id: 'nils',
        discounts: [{ id: did, refs: [offered] }],
      });
      expect(res.status).toBe(200);
      expect((await api.ref('nils', refId!)).body.statistics).toMatchObject({
        usage: 2 * n,
        purchases: n,
        amount: 20000 * n,
      });
      // The customer's rule list keeps the rule while a purchase is left
      // (usage 2 already equals the limit after the first).
      const listed = await json(call('GET', `${api.base}/customers/nils/rules`, { token: api.token }));
      expect(listed.body.filter((r: { id: string }) => r.id === did).map((r: { ref_id: string }) => r.ref_id)).toEqual(
        n < 2 ? [refId] : [],
      );
    }
    expect(await offer(3)).toBeUndefined();
    const third = await api.claim(claimBody(did, refId!, 'nils', {}, { usage: 2, amount: 20000 }));
    expect(third.status).toBe(400);
    expect(third.body.error.errors[0]).toMatchObject({ field: 'discounts.0.refs.0.id', code: 'discount_repeat_usage' });
    expect(await api.ruleStats(did)).toMatchObject({ usage: 4, used: 4, amount: 40000 });
    expect((await api.usages(did)).body).toHaveLength(2);
  });

  it('a claim at 9 of 10 purchases takes the last one, whatever its usage, and the next is refused', async () => {
    const did = await api.rule({ limitation: { discount_repeat_usage: 10 } });
    const [refId] = await api.give(did, ['olga']);
    for (let i = 0; i < 9; i++) expect((await api.claim(claimBody(did, refId!, 'olga'))).status).toBe(200);
    expect((await api.claim(claimBody(did, refId!, 'olga', {}, { usage: 3 }))).status).toBe(200);
    expect((await api.ref('olga', refId!)).body.statistics).toMatchObject({ usage: 12, purchases: 10 });
    expect((await api.claim(claimBody(did, refId!, 'olga'))).body.error.errors[0]).toMatchObject({
      code: 'discount_repeat_usage',
    });
  });

  it('the same ref with another body is 409; the Idempotency-Key header stands in for a missing ref', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['lise']);
    const body = claimBody(did, refId!, 'lise', { ref: 'tx-conflict' });
    const first = await api.claim(body);
    expect(first.status).toBe(200);
    const other = await api.claim({ ...body, discounts: [{ id: did, refs: [{ id: refId, amount: 999, usage: 1 }] }] });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('conflict');
    // Key order and defaults do not make a body different.
    const reordered = {
      discounts: [{ refs: [{ usage: 1, stamp: 0, amount: 100, id: refId }], id: did }],
      customer_id: 'lise',
      ref: 'tx-conflict',
      purchase_at: body.purchase_at,
    };
    expect((await api.claim(reordered)).body.id).toBe(first.body.id);

    const keyed = claimBody(did, refId!, 'lise');
    const a = await api.claim(keyed, { 'Idempotency-Key': 'key-1' });
    const b = await api.claim(keyed, { 'Idempotency-Key': 'key-1' });
    expect(a.status).toBe(200);
    expect(b.body.id).toBe(a.body.id);
    expect(a.body.ref).toBe('key-1');
    expect((await api.claim(keyed, { 'Idempotency-Key': 'k'.repeat(256) })).body.error.errors[0].field).toBe(
      'Idempotency-Key',
    );
    expect((await api.ref('lise', refId!)).body.statistics.usage).toBe(2);
  });

  it(
    'release reverts exactly, releasing twice is a no-op, the ref stays taken, ' + 'and the ref can be claimed again',
    async () => {
      const did = await api.rule({ limitation: { discount_repeat_usage: 1 } });
      const [refId] = await api.give(did, ['mari']);
      const body = claimBody(did, refId!, 'mari', { ref: 'tx-release' }, { amount: 400, stamp: 2 });
      const claimed = await api.claim(body);
      expect((await api.claim(claimBody(did, refId!, 'mari'))).status).toBe(400);

      const released = await api.release(claimed.body.id);
      expect(released.status).toBe(200);
      expect(released.body).toMatchObject({ id: claimed.body.id, deleted_by: 'test-client' });
      expect(released.body.deleted_at).toBeTruthy();
      expect((await api.ref('mari', refId!)).body.statistics).toMatchObject({ usage: 0, amount: 0, stamp: 0 });
      expect(await api.ruleStats(did)).toMatchObject({ usage: 0, amount: 0, stamp: 0 });

      const again = await api.release(claimed.body.id);
      expect(again.body).toEqual(released.body);
      expect((await api.ref('mari', refId!)).body.statistics).toMatchObject({ usage: 0, amount: 0 });

      // The ref stays taken: a retry answers the released claim, another body is still a 409.
      const retry = await api.claim(body);
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ id: claimed.body.id, deleted_at: released.body.deleted_at });
      expect((await api.claim({ ...body, type: 'web' })).status).toBe(409);

      // The discount itself is free again.
      const fresh = await api.claim(claimBody(did, refId!, 'mari', { ref: 'tx-release-2' }));
      expect(fresh.status).toBe(200);
      expect(fresh.body.id).not.toBe(claimed.body.id);
      expect((await api.ref('mari', refId!)).body.statistics.usage).toBe(1);

      const ledger = (await api.usages(did, `?ref_id=${refId}`)).body;
      expect(ledger).toHaveLength(2);
      expect(ledger[0]).toMatchObject({ source: 'claim', source_ref: claimed.body.id, amount: 400, stamp: 2 });
      expect(ledger[0].released_at).toBeTruthy();
      expect(ledger[1].released_at).toBeUndefined();
      expect((await api.release('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    },
  );
});

describe('GET claims', { timeout: 30_000 }, () => {
  it('filters by ref and customer_id, pages, counts', async () => {
    const api2 = await accountApi('T31000002');
    const did = await api2.rule();
    const [a] = await api2.give(did, ['nils']);
    const [b] = await api2.give(did, ['olga']);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await api2.claim(claimBody(did, a!, 'nils', { ref: `n-${i}` }))).body.id);
    await api2.claim(claimBody(did, b!, 'olga', { ref: 'o-0' }));
    expect((await api2.claims('?customer_id=nils')).body.map((c: any) => c.id)).toEqual(ids);
    expect((await api2.claims('?ref=o-0')).body.map((c: any) => c.customer_id)).toEqual(['olga']);
    const page = await api2.claims(`?limit=2&starting_after=${ids[0]}&total=true`);
    expect(page.body.map((c: any) => c.id)).toEqual(ids.slice(1, 3));
    expect(page.headers.get('total-count')).toBe('5');
    expect((await api2.claims('?limit=101')).status).toBe(400);
    expect((await api2.claims('?starting_after=nope')).status).toBe(400);
  });
});

describe('claim numbers stay whole and bounded', () => {
  it('refuses amounts beyond 10^12, usage or stamps beyond 10^6, and money without a use', async () => {
    const aid = 'T31000009';
    const token = await tokenWith(undefined, aid);
    const claim = (ref: Record<string, unknown>) =>
      json(
        call('POST', `/v1/accounts/${aid}/discounts/available_for_receipt/claims`, {
          token,
          body: {
            purchase_at: '2026-06-01T12:00:00Z',
            customer_id: 'c-1',
            discounts: [{ id: 'r', refs: [{ id: 'x', ...ref }] }],
          },
        }),
      );
    for (const [ref, field] of [
      [{ amount: 5e18, usage: 1 }, 'discounts.0.refs.0.amount'],
      [{ amount: 1, usage: 1e7 }, 'discounts.0.refs.0.usage'],
      [{ amount: 1, usage: 1, stamp: 1e7 }, 'discounts.0.refs.0.stamp'],
      [{ amount: 1000, usage: 0 }, 'discounts.0.refs.0'],
    ] as const) {
      const res = await claim(ref);
      expect(res.status, JSON.stringify(ref)).toBe(400);
      expect(res.body.error.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});
