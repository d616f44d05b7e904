import { beforeAll, describe, expect, it } from 'vitest';
import { call, json } from '../helpers';
import { accountApi, claimBody } from '../claims/helpers';

let api: Awaited<ReturnType<typeof accountApi>>;
let did: string;
/** Ledger entry ids in the order they were written. */
const written: string[] = [];

beforeAll(async () => {
  api = await accountApi('T33300001');
  did = await api.rule();
  const [anna, bent, star] = await api.give(did, ['anna', 'bent', '*']);
  for (const [ref, cid] of [
    [anna, 'anna'],
    [bent, 'bent'],
    [anna, 'anna'],
    [star, 'carl'],
  ] as const) {
    expect((await api.claim(claimBody(did, ref!, cid))).status).toBe(200);
    const ledger = (await api.usages(did)).body as { id: string }[];
    written.push(ledger[ledger.length - 1]!.id);
  }
});

describe('GET /discounts/rules/{did}/ledger', { timeout: 30_000 }, () => {
  it("customer_id keeps one customer's entries, a * ref's included under the buyer", async () => {
    const anna = await api.usages(did, '?customer_id=anna');
    expect(anna.status).toBe(200);
    expect(anna.body.map((u: { id: string }) => u.id)).toEqual([written[0], written[2]]);
    expect(anna.body.every((u: { customer_id: string }) => u.customer_id === 'anna')).toBe(true);
    expect((await api.usages(did, '?customer_id=carl')).body.map((u: { id: string }) => u.id)).toEqual([written[3]]);
    expect((await api.usages(did, '?customer_id=nobody')).body).toEqual([]);
  });

  it('pages with starting_after; total=true counts every entry whatever the page', async () => {
    const first = await api.usages(did, '?limit=2&total=true');
    expect(first.body.map((u: { id: string }) => u.id)).toEqual(written.slice(0, 2));
    expect(first.headers.get('total-count')).toBe('4');
    const second = await api.usages(did, `?limit=2&total=true&starting_after=${written[1]}`);
    expect(second.body.map((u: { id: string }) => u.id)).toEqual(written.slice(2, 4));
    expect(second.headers.get('total-count')).toBe('4');
    const end = await api.usages(did, `?limit=2&starting_after=${written[3]}`);
    expect(end.body).toEqual([]);
    expect(end.headers.get('total-count')).toBeNull();
    // Filters and the count go together.
    expect((await api.usages(did, '?customer_id=anna&total=true')).headers.get('total-count')).toBe('2');
  });

  it('limit: 1000 is allowed, 1001 and 0 are a 400 naming the field', async () => {
    const max = await api.usages(did, '?limit=1000');
    expect(max.status).toBe(200);
    expect(max.body).toHaveLength(4);
    for (const limit of ['1001', '0']) {
      const res = await api.usages(did, `?limit=${limit}`);
      expect(res.status, limit).toBe(400);
      expect(res.body.error.errors[0].field).toBe('limit');
    }
  });

  it('an unknown rule is a 404; an unknown starting_after a 400', async () => {
    const missing = await api.usages('00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    const after = await api.usages(did, '?starting_after=00000000-0000-4000-8000-000000000000');
    expect(after.status).toBe(400);
    expect(after.body.error.errors[0].field).toBe('starting_after');
  });
});

describe("GET /discounts/rules/{did}/usages (Dintero's DiscountUsage[])", { timeout: 30_000 }, () => {
  const usages = (query = '') => json(call('GET', `${api.base}/rules/${did}/usages${query}`, { token: api.token }));

  it('one entry per ref; a * ref sums every buyer; a released claim leaves usage_refs and statistics', async () => {
    const res = await usages('?limit=1000&total=true');
    expect(res.status).toBe(200);
    expect(res.headers.get('total-count')).toBe('3');
    expect(res.body.map((u: { customer_id: string | null }) => u.customer_id)).toEqual(['anna', 'bent', null]);
    const [anna, , star] = res.body;
    expect(anna.usage_refs).toHaveLength(2);
    expect(anna.statistics).toMatchObject({ usage: 2, used: 2, purchases: 2, amount: 200 });
    expect(star.usage_refs.map((u: { customer_id: string }) => u.customer_id)).toEqual(['carl']);
    expect(star.statistics).toMatchObject({ usage: 1, amount: 100 });

    const claimId = (await api.claims('?customer_id=bent')).body[0].id;
    expect((await api.release(claimId)).status).toBe(200);
    const after = (await usages('?limit=1000')).body[1];
    expect(after.usage_refs).toEqual([]);
    expect(after.statistics).toMatchObject({ usage: 0, amount: 0 });
    // The ledger keeps the released row.
    expect((await api.usages(did, '?customer_id=bent')).body[0].released_at).toBeTruthy();
  });

  it('pages by ref_id; limit 1–1000', async () => {
    const first = await usages('?limit=2');
    const next = await usages(`?limit=2&starting_after=${first.body[1].ref_id}`);
    expect(next.body.map((u: { customer_id: string | null }) => u.customer_id)).toEqual([null]);
    expect((await usages('?limit=1001')).status).toBe(400);
    expect((await usages('?starting_after=00000000-0000-4000-8000-000000000000')).status).toBe(400);
  });
});
