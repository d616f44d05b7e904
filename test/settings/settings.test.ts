import { describe, expect, it } from 'vitest';
import { call, contentVersionOf, json, tokenWith } from '../helpers';

const path = (aid: string) => `/v1/accounts/${aid}/settings`;
const admin = (aid: string) => tokenWith(['admin:discounts'], aid, 'backoffice');

describe('account settings', () => {
  it('answers defaults before anything is set', async () => {
    const aid = 'T71000001';
    const res = await json(call('GET', path(aid), { token: await admin(aid) }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      public_offers: { anonymous: false, allowed_origins: [], max_age: 60 },
      checkout: { allow_unsigned_callbacks: false },
      retention_days: 90,
    });
  });

  it('merges partial PUTs, null restores a default, and a GET body can be PUT back', async () => {
    const aid = 'T71000002';
    const token = await admin(aid);
    const first = await json(
      call('PUT', path(aid), { token, body: { public_offers: { anonymous: true, max_age: 120 } } }),
    );
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      public_offers: { anonymous: true, allowed_origins: [], max_age: 120 },
      updated_by: 'backoffice',
    });
    const second = await json(
      call('PUT', path(aid), {
        token,
        body: {
          public_offers: { allowed_origins: ['https://Shop.Example.com', 'http://localhost:5173'], max_age: null },
        },
      }),
    );
    expect(second.body.public_offers).toEqual({
      anonymous: true,
      allowed_origins: ['https://shop.example.com', 'http://localhost:5173'],
      max_age: 60,
    });
    const roundTrip = await json(call('PUT', path(aid), { token, body: second.body }));
    expect(roundTrip.status).toBe(200);
    expect(roundTrip.body.public_offers).toEqual(second.body.public_offers);
    const read = await json(call('GET', path(aid), { token }));
    expect(read.body.public_offers).toEqual(second.body.public_offers);
    expect(read.body.updated_at).toBe(roundTrip.body.updated_at);
  });

  it('rejects bad values naming the field, and never echoes them', async () => {
    const aid = 'T71000003';
    const token = await admin(aid);
    const cases: [unknown, string][] = [
      [{ public_offers: { allowed_origins: ['https://shop.example.com/path'] } }, 'public_offers.allowed_origins.0'],
      [{ public_offers: { allowed_origins: ['javascript:alert(1)'] } }, 'public_offers.allowed_origins.0'],
      [{ public_offers: { max_age: -1 } }, 'public_offers.max_age'],
      [{ public_offers: { max_age: 86401 } }, 'public_offers.max_age'],
      [{ public_offers: { max_age: 1.5 } }, 'public_offers.max_age'],
      [{ public_offers: { anonymous: 'yes' } }, 'public_offers.anonymous'],
      [{ public_offers: { colour: 'red' } }, 'public_offers.colour'],
      [{ unknown_section: {} }, 'unknown_section'],
    ];
    for (const [body, field] of cases) {
      const res = await call('PUT', path(aid), { token, body });
      const text = await res.text();
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.parse(text).error.errors[0].field).toBe(field);
      expect(text).not.toContain('alert');
      expect(text).not.toContain('/path');
    }
    expect((await call('PUT', path(aid), { token, body: '[]' })).status).toBe(400);
    expect((await call('PUT', path(aid), { token, body: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(
      415,
    );
    // Nothing was stored.
    expect((await json(call('GET', path(aid), { token }))).body.public_offers.max_age).toBe(60);
  });

  it('needs admin:discounts', async () => {
    const aid = 'T71000004';
    const reader = await tokenWith(['read:discounts', 'write:discounts', 'public:discounts'], aid);
    expect((await call('GET', path(aid), { token: reader })).status).toBe(403);
    expect((await call('PUT', path(aid), { token: reader, body: { public_offers: { anonymous: true } } })).status).toBe(
      403,
    );
    expect((await call('GET', path(aid))).status).toBe(401);
    expect((await call('GET', path(aid), { token: await tokenWith(['admin:discounts'], 'T71000005') })).status).toBe(
      403,
    );
  });

  it('every write bumps the content version', async () => {
    const aid = 'T71000006';
    const token = await admin(aid);
    const before = await contentVersionOf(aid);
    await call('PUT', path(aid), { token, body: { public_offers: { max_age: 10 } } });
    expect(await contentVersionOf(aid)).toBe(before + 1);
  });

  it('parallel PUTs of different settings all land', async () => {
    const aid = 'T71000007';
    const token = await admin(aid);
    const results = await Promise.all([
      call('PUT', path(aid), { token, body: { public_offers: { anonymous: true } } }),
      call('PUT', path(aid), { token, body: { public_offers: { max_age: 5 } } }),
      call('PUT', path(aid), { token, body: { public_offers: { allowed_origins: ['https://a.example'] } } }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const read = await json(call('GET', path(aid), { token }));
    expect(read.body.public_offers).toEqual({ anonymous: true, allowed_origins: ['https://a.example'], max_age: 5 });
  });
});
