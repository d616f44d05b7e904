import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TokenRef } from '../../shared/schemas/customer';
import { CustomerStore } from '../../shared/store/customers';
import { call, json, tokenWith } from '../helpers';

const aid = 'T00050004';
const users = `/v1/accounts/${aid}/customers/users`;
const eventsPath = `/v1/accounts/${aid}/discounts/events`;
let admin: string;
let eventsOnly: string;

beforeAll(async () => {
  admin = await tokenWith(['admin:customers'], aid);
  eventsOnly = await tokenWith(['write:discounts:/events'], aid);
  for (const customer_id of ['tok-a', 'tok-b', 'tok-c']) {
    expect((await call('POST', users, { token: admin, body: { customer_id } })).status).toBe(200);
  }
});

const send = (event: string | undefined, body: unknown, token = eventsOnly) =>
  json(call('POST', eventsPath, { token, body, headers: event ? { event } : {} }));
/** The account's customers, read inside its object (lookups the engine uses have no RPC method). */
const inObject = <T>(fn: (customers: CustomerStore) => T) =>
  runInDurableObject(env.ACCOUNTS.getByName(aid), (_object, state) => fn(new CustomerStore(state.storage.sql)));
const resolve = (token: TokenRef) => inObject((customers) => customers.resolveToken(token));
const byToken = async (query: string) =>
  (await json(call('GET', `${users}?${query}`, { token: admin }))).body.map(
    (c: { customer_id: string }) => c.customer_id,
  );

describe('token_add / token_remove', () => {
  it('add → resolves (RPC and list filter) → remove → unresolved', async () => {
    const added = await send('token_add', {
      token: { token_id: 't-1', type: 'card', value: '4000-1', customer_id: 'tok-a' },
    });
    expect(added.status).toBe(204);
    expect(added.body).toBeUndefined();
    expect(await resolve({ token_id: 't-1' })).toBe('tok-a');
    expect(await resolve({ type: 'card', value: '4000-1' })).toBe('tok-a');
    expect(await resolve({ value: '4000-1' })).toBe('tok-a');
    expect(await resolve({ token_id: 'unknown-id', type: 'card', value: '4000-1' })).toBe('tok-a');
    expect(await resolve({ type: 'member', value: '4000-1' })).toBeNull();
    expect(await byToken('token_value=4000-1&token_type=card')).toEqual(['tok-a']);

    expect((await send('token_remove', { token: { token_id: 't-1' } })).status).toBe(204);
    expect(await resolve({ token_id: 't-1' })).toBeNull();
    expect(await resolve({ type: 'card', value: '4000-1' })).toBeNull();
    expect(await byToken('token_value=4000-1')).toEqual([]);
    // Removing what is already gone is fine.
    expect((await send('token_remove', { token: { token_id: 't-1' } })).status).toBe(204);
  });

  it('remove by type and value', async () => {
    await send('token_add', { token: { type: 'member', value: 'M-77', customer_id: 'tok-b' } });
    expect(await resolve({ type: 'member', value: 'M-77' })).toBe('tok-b');
    expect((await send('token_remove', { token: { type: 'member', value: 'M-77' } })).status).toBe(204);
    expect(await resolve({ type: 'member', value: 'M-77' })).toBeNull();
  });

  it('a token added again moves to its new customer', async () => {
    await send('token_add', { token: { type: 'card', value: '4000-9', customer_id: 'tok-a' } });
    await send('token_add', { token: { type: 'card', value: '4000-9', customer_id: 'tok-b' } });
    expect(await resolve({ type: 'card', value: '4000-9' })).toBe('tok-b');
    expect(await byToken('token_value=4000-9')).toEqual(['tok-b']);
  });

  it('a value without type that two customers hold is ambiguous', async () => {
    await send('token_add', { token: { type: 'card', value: 'shared-1', customer_id: 'tok-a' } });
    await send('token_add', { token: { type: 'member', value: 'shared-1', customer_id: 'tok-c' } });
    expect(await resolve({ value: 'shared-1' })).toBeNull();
    expect(await resolve({ type: 'member', value: 'shared-1' })).toBe('tok-c');
  });

  it('tokens of a deleted customer stop resolving', async () => {
    await call('POST', users, { token: admin, body: { customer_id: 'tok-gone' } });
    await send('token_add', { token: { type: 'card', value: 'gone-1', customer_id: 'tok-gone' } });
    expect(await resolve({ value: 'gone-1' })).toBe('tok-gone');
    await call('DELETE', `${users}/tok-gone`, { token: admin });
    expect(await resolve({ value: 'gone-1' })).toBeNull();
    const late = await send('token_add', { token: { type: 'card', value: 'gone-2', customer_id: 'tok-gone' } });
    expect(late.status).toBe(400);
    expect(late.body.error.errors[0].field).toBe('token.customer_id');
  });

  it('parallel adds of distinct tokens all land', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        send('token_add', { token: { type: 'bulk', value: `b-${i}`, customer_id: 'tok-c' } }),
      ),
    );
    expect(results.every((r) => r.status === 204)).toBe(true);
    expect(
      (await json(call('GET', `${users}?token_type=bulk&total=true`, { token: admin }))).headers.get('total-count'),
    ).toBe('1');
    for (let i = 0; i < 20; i++) expect(await resolve({ type: 'bulk', value: `b-${i}` })).toBe('tok-c');
  });
});

describe('event validation and auth', () => {
  it('token_add for a deleted customer names token.customer_id', async () => {
    await json(
      call('POST', `/v1/accounts/${aid}/customers/users`, {
        token: await tokenWith(undefined, aid),
        body: { customer_id: 'nobody' },
      }),
    );
    await call('DELETE', `/v1/accounts/${aid}/customers/users/nobody`, { token: await tokenWith(undefined, aid) });
    const res = await send('token_add', { token: { type: 'card', value: 'x', customer_id: 'nobody' } });
    expect(res.status).toBe(400);
    expect(res.body.error.errors.map((e: { field: string }) => e.field)).toEqual(['token.customer_id']);
    expect(JSON.stringify(res.body)).not.toContain('nobody');
  });
  it.each([
    ['token_add', { token: { type: 'card', customer_id: 'tok-a' } }, 'token.value'],
    ['token_add', { token: { value: 'x', customer_id: 'tok-a', colour: 'red' } }, 'token.colour'],
    ['token_add', {}, 'token'],
    ['token_remove', { token: {} }, 'token'],
    ['token_remove', { token: { value: 5 } }, 'token.value'],
  ])('%s %o names %s', async (event, body, field) => {
    const res = await send(event, body);
    expect(res.status).toBe(400);
    expect(res.body.error.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
  it('a missing or unknown event header names event', async () => {
    for (const event of [undefined, 'token_frobnicate', 'constructor']) {
      const res = await send(event, { token: { value: 'x' } });
      expect(res.status).toBe(400);
      expect(res.body.error.errors[0].field).toBe('event');
    }
  });
  it('accepts write:discounts and admin:discounts; refuses customers-only and read scopes', async () => {
    const body = { token: { type: 'card', value: 'scope-1', customer_id: 'tok-a' } };
    expect((await send('token_add', body, await tokenWith(['write:discounts'], aid))).status).toBe(204);
    expect((await send('token_add', body, await tokenWith(['admin:discounts'], aid))).status).toBe(204);
    expect((await send('token_add', body, await tokenWith(['admin:customers'], aid))).status).toBe(403);
    expect((await send('token_add', body, await tokenWith(['read:discounts'], aid))).status).toBe(403);
    expect((await call('POST', eventsPath, { body, headers: { event: 'token_add' } })).status).toBe(401);
  });
  it('a non-JSON body is 415', async () => {
    const res = await call('POST', eventsPath, {
      token: eventsOnly,
      body: 'x',
      headers: { event: 'token_add', 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(415);
  });
});

describe('lookups for refs and claims', () => {
  it('find (the customer facts the engine reads), getCustomer', async () => {
    await call('POST', users, {
      token: admin,
      body: {
        customer_id: 'facts-1',
        type: 'company',
        company: { bussiness_name: 'Acme' },
        addresses: [{ country: 'NO', postal_code: '0155' }],
      },
    });
    const stub = env.ACCOUNTS.getByName(aid);
    const facts = await inObject((customers) => customers.find('facts-1'));
    expect(facts).toMatchObject({
      customer_id: 'facts-1',
      company: { bussiness_name: 'Acme' },
      addresses: [{ country: 'NO', postal_code: '0155' }],
    });
    expect(await inObject((customers) => customers.find('nobody'))).toBeNull();
    expect((await stub.getCustomer('facts-1')).customer_id).toBe('facts-1');
    await call('DELETE', `${users}/facts-1`, { token: admin });
    expect(await inObject((customers) => customers.find('facts-1'))).toBeNull();
  });
});
