import { beforeAll, describe, expect, it } from 'vitest';
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

describe('GET /discounts/rules/{did}/usages', { timeout: 30_000 }, () => {
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
