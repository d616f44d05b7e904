/** A user:discounts token is bound to one customer: it reads that customer's discounts and no one else's. */
import { describe, expect, it } from 'vitest';
import { AID, BASE, call, json } from '../helpers';
import { dinteroClient, givenDiscount, tillDiscount } from '../dintero/dintero';

describe('user:discounts is bound to one customer', () => {
  it("reads its own customer's rules, 403 for anyone else's", async () => {
    const admin = await dinteroClient();
    const did = await givenDiscount(admin, tillDiscount(), ['u-own', 'u-other']);
    const user = await dinteroClient(['user:discounts'], 'u-own');
    const own = await user.get('/discounts/customers/u-own/rules');
    expect(own.status).toBe(200);
    expect(own.body.map((d: { id: string }) => d.id)).toEqual([did]);
    expect((await user.get('/discounts/customers/u-other/rules')).status).toBe(403);
    // Without a binding, user:discounts reads nobody's.
    const unbound = await dinteroClient(['user:discounts']);
    expect((await unbound.get('/discounts/customers/u-own/rules')).status).toBe(403);
    // read:discounts still reads anyone's.
    const reader = await dinteroClient(['read:discounts'], 'u-own');
    expect((await reader.get('/discounts/customers/u-other/rules')).status).toBe(200);
  });

  it('a client created with user:discounts must name its customer, and its tokens carry it', async () => {
    const admin = await dinteroClient();
    const path = `/v1/accounts/${AID}/auth/clients`;
    const missing = await json(
      call('POST', path, { token: admin.token, body: { name: 'shop', scopes: ['user:discounts'] } }),
    );
    expect(missing.status).toBe(400);
    expect(missing.body.error.errors.map((e: { field: string }) => e.field)).toEqual(['customer_id']);
    const stray = await json(
      call('POST', path, { token: admin.token, body: { name: 'pos', scopes: ['read:discounts'], customer_id: 'x' } }),
    );
    expect(stray.status).toBe(400);
    const created = await json(
      call('POST', path, {
        token: admin.token,
        body: { name: 'shop', scopes: ['user:discounts'], customer_id: 'u-bound' },
      }),
    );
    expect(created.status).toBe(200);
    expect(created.body.customer_id).toBe('u-bound');
    const issued = await json(
      call('POST', `/v1/accounts/${AID}/auth/token`, {
        headers: { authorization: `Basic ${btoa(`${created.body.client_id}:${created.body.client_secret}`)}` },
        body: { grant_type: 'client_credentials', audience: `${BASE}/v1/accounts/${AID}` },
      }),
    );
    const token = issued.body.access_token as string;
    const own = await call('GET', `/v1/accounts/${AID}/discounts/customers/u-bound/rules`, { token });
    expect(own.status).toBe(200);
    const other = await call('GET', `/v1/accounts/${AID}/discounts/customers/u-own/rules`, { token });
    expect(other.status).toBe(403);
  });
});
