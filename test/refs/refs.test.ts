import { beforeAll, describe, expect, it } from 'vitest';
import { call, contentVersionOf, json, ruleBody, tokenWith } from '../helpers';

const aid = 'T30000001';
const base = `/v1/accounts/${aid}/discounts`;
let token: string;

async function rule(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await json(call('POST', `${base}/rules`, { token, body: ruleBody(overrides) }));
  expect(res.status).toBe(200);
  return res.body.id;
}
const give = (did: string, body: unknown) => json(call('POST', `${base}/rules/${did}/customers`, { token, body }));
const refsOf = (did: string, query = '') => json(call('GET', `${base}/rules/${did}/customers${query}`, { token }));

beforeAll(async () => {
  token = await tokenWith(undefined, aid);
});

describe('giving rules to customers', { timeout: 30_000 }, () => {
  it('creates one ref per customer; * and / list with customer_id null', async () => {
    const did = await rule();
    const given = await give(did, { customers: ['alice', '*', '/', 'alice'] });
    expect(given.status).toBe(200);
    expect(given.body.map((r: any) => [r.customer_id, r.kind])).toEqual([
      ['alice', 'customer'],
      [null, '*'],
      [null, '/'],
    ]);
    const ref = given.body[0];
    expect(ref).toMatchObject({ discount_id: did, created_by: 'test-client', updated_by: 'test-client' });
    expect(ref.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ref.deleted_at).toBeUndefined();

    const list = await refsOf(did);
    expect(list.status).toBe(200);
    expect(list.body.map((r: any) => r.customer_id)).toEqual(['alice', null, null]);
  });

  it('the same offering_constraint_id three times gives one ref', async () => {
    const did = await rule();
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await give(did, { customers: ['bob'], offering_constraint_id: 'welcome' });
      expect(res.status).toBe(200);
      ids.add(res.body[0].id);
    }
    expect(ids.size).toBe(1);
    expect((await refsOf(did)).body).toHaveLength(1);
    // Another constraint id, or none, is another gift.
    await give(did, { customers: ['bob'], offering_constraint_id: 'birthday' });
    await give(did, { customers: ['bob'] });
    expect((await refsOf(did)).body).toHaveLength(3);
  });

  it('parallel gifts under one offering_constraint_id still give one ref', async () => {
    const did = await rule();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => give(did, { customers: ['carol', '*'], offering_constraint_id: 'x' })),
    );
    expect(new Set(answers.map((a) => a.body[0].id)).size).toBe(1);
    expect((await refsOf(did)).body).toHaveLength(2);
  });

  it('unknown rule 404, deleted rule 400, bad bodies 400 naming the field', async () => {
    expect((await give('00000000-0000-4000-8000-000000000000', { customers: ['a'] })).status).toBe(404);
    expect((await refsOf('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const did = await rule();
    expect((await call('DELETE', `${base}/rules/${did}`, { token })).status).toBe(200);
    const deleted = await give(did, { customers: ['a'] });
    expect(deleted.status).toBe(400);

    const live = await rule();
    const empty = await give(live, { customers: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.error.errors[0].field).toBe('customers');
    const spaced = await give(live, { customers: [' a'] });
    expect(spaced.body.error.errors[0].field).toBe('customers.0');
    const long = await give(live, { customers: ['x'.repeat(256)] });
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body)).not.toContain('xxxx');
  });

  it('a customer id missing from the customer registry may still be given a rule', async () => {
    const did = await rule();
    expect((await give(did, { customers: ['lives-elsewhere-42'] })).status).toBe(200);
  });

  it('scopes: read for lists, write for gifts', async () => {
    const did = await rule();
    const reader = await tokenWith(['read:discounts'], aid);
    expect((await call('GET', `${base}/rules/${did}/customers`, { token: reader })).status).toBe(200);
    expect(
      (await call('POST', `${base}/rules/${did}/customers`, { token: reader, body: { customers: ['a'] } })).status,
    ).toBe(403);
    expect((await call('GET', `${base}/rules/${did}/customers`)).status).toBe(401);
  });
});

describe('listing and taking back refs', { timeout: 30_000 }, () => {
  it('pages by ref id with limit 1–1000 and total', async () => {
    const did = await rule();
    const customers = Array.from({ length: 25 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    await give(did, { customers });
    const first = await refsOf(did, '?limit=10&total=true');
    expect(first.body).toHaveLength(10);
    expect(first.headers.get('total-count')).toBe('25');
    const second = await refsOf(did, `?limit=10&starting_after=${first.body[9].id}`);
    expect(second.body.map((r: any) => r.customer_id)).toEqual(customers.slice(10, 20));
    expect((await refsOf(did, '?limit=1000')).body).toHaveLength(25);
    expect((await refsOf(did, '?limit=1001')).status).toBe(400);
    expect((await refsOf(did, '?limit=0')).status).toBe(400);
    expect((await refsOf(did, '?state=nope')).status).toBe(400);
  });

  it('DELETE takes back one customer, * takes back everyone; state filters follow', async () => {
    const did = await rule();
    await give(did, { customers: ['d1', 'd2', '*', '/'] });
    const one = await json(call('DELETE', `${base}/rules/${did}/customers`, { token, body: { customers: ['d1'] } }));
    expect(one.status).toBe(200);
    expect(one.body.map((r: any) => r.customer_id)).toEqual(['d1']);
    expect(one.body[0].deleted_by).toBe('test-client');
    expect((await refsOf(did, '?state=deleted')).body).toHaveLength(1);
    expect((await refsOf(did, '?state=available')).body).toHaveLength(3);

    const all = await json(call('DELETE', `${base}/rules/${did}/customers`, { token, body: { customers: ['*'] } }));
    expect(all.body.map((r: any) => r.kind)).toEqual(['customer', '*', '/']);
    expect((await refsOf(did, '?state=available')).body).toHaveLength(0);
    expect((await refsOf(did, '?state=deleted')).body).toHaveLength(4);
  });

  it('inactive lists live refs of an inactive rule; refs stay available after the rule is deleted', async () => {
    const inactive = await rule({ active: false });
    await give(inactive, { customers: ['e1'] });
    expect((await refsOf(inactive, '?state=inactive')).body).toHaveLength(1);
    expect((await refsOf(inactive, '?state=available')).body).toHaveLength(0);

    const did = await rule();
    await give(did, { customers: ['e2'] });
    await call('DELETE', `${base}/rules/${did}`, { token });
    expect((await refsOf(did, '?state=available')).body).toHaveLength(1);
  });

  it('every ref write bumps the content version', async () => {
    const did = await rule();
    const v0 = await contentVersionOf(aid);
    await give(did, { customers: ['f1'] });
    const v1 = await contentVersionOf(aid);
    expect(v1).toBeGreaterThan(v0);
    await call('DELETE', `${base}/rules/${did}/customers`, { token, body: { customers: ['f1'] } });
    expect(await contentVersionOf(aid)).toBeGreaterThan(v1);
  });
});
