/** Contract cases for the Customers API around the customer, locations and the operations answered 501. */
import { call } from '../helpers';
import { NOT_SERVED } from '../../functions/routes/not-served';
import type { Case, CaseContext } from './case';

async function customer(t: CaseContext, customerId = 'cc-1'): Promise<string> {
  await call('POST', `${t.base}/customers/users`, { token: t.token, body: { customer_id: customerId } });
  return customerId;
}
const token = { type: 'member_card', value: '7080001234567', metadata: { mask_pan: '**** 3477' } };
const location = {
  location_id: 'sc029',
  name: 'SC Oslo',
  address: { address_line: 'Sommerkroveien 34', postal_place: 'Oslo', country: 'NO' },
};
const users = (t: CaseContext, rest: string) => `${t.base}/customers/users/${rest}`;

const served: Record<string, Case> = {
  'GET /v1/accounts/{aid}/customers/users/{customer_id}/tokens': async (t) => {
    const id = await customer(t);
    await call('POST', users(t, `${id}/tokens`), { token: t.token, body: token });
    return [
      await call('GET', users(t, `${id}/tokens?total=true`), { token: t.token }),
      await call('GET', users(t, 'nobody/tokens'), { token: t.token }),
    ];
  },
  'POST /v1/accounts/{aid}/customers/users/{customer_id}/tokens': async (t) => {
    const id = await customer(t);
    await customer(t, 'cc-2');
    return [
      await call('POST', users(t, `${id}/tokens`), { token: t.token, body: token }),
      await call('POST', users(t, 'cc-2/tokens'), { token: t.token, body: token }),
      await call('POST', users(t, `${id}/tokens`), { token: t.token, body: { value: 'x' } }),
    ];
  },
  'DELETE /v1/accounts/{aid}/customers/users/{customer_id}/tokens/{tid}': async (t) => {
    const id = await customer(t);
    await call('POST', users(t, `${id}/tokens`), { token: t.token, body: { ...token, token_id: 'card-1' } });
    return [
      await call('DELETE', users(t, `${id}/tokens/card-1`), { token: t.token }),
      await call('DELETE', users(t, `${id}/tokens/card-1`), { token: t.token }),
    ];
  },
  'GET /v1/accounts/{aid}/customers/users/{customer_id}/tags': async (t) => {
    const id = await customer(t);
    await call('PUT', users(t, `${id}/tags`), { token: t.token, body: ['vip'] });
    return call('GET', users(t, `${id}/tags`), { token: t.token });
  },
  'GET /v1/accounts/{aid}/customers/tokens/events': async (t) => {
    await call('POST', `${t.base}/customers/tokens/events`, {
      token: t.token,
      body: { token, event: { event: 'declined', status: 'OPT_OUT' } },
    });
    return [
      await call('GET', `${t.base}/customers/tokens/events`, { token: t.token }),
      await call('GET', `${t.base}/customers/tokens/events?starting_after=nope`, { token: t.token }),
    ];
  },
  'POST /v1/accounts/{aid}/customers/tokens/events': async (t) => {
    const id = await customer(t);
    await call('POST', users(t, `${id}/tokens`), { token: t.token, body: token });
    return [
      await call('POST', `${t.base}/customers/tokens/events`, {
        token: t.token,
        body: { token: { type: token.type, value: token.value }, event: { event: 'seen', status: 'ACTIVE' } },
      }),
      await call('POST', `${t.base}/customers/tokens/events`, { token: t.token, body: { token: {} } }),
    ];
  },
  'DELETE /v1/accounts/{aid}/customers/tokens/events': async (t) =>
    call('DELETE', `${t.base}/customers/tokens/events`, {
      token: t.token,
      body: { token: { type: 'a', value: 'b' }, event: { event: 'gone' } },
    }),
  'GET /v1/accounts/{aid}/customers/tags': async (t) => {
    await call('POST', `${t.base}/customers/tags`, { token: t.token, body: { tag: 'VIP', metadata: { a: 1 } } });
    return call('GET', `${t.base}/customers/tags`, { token: t.token });
  },
  'POST /v1/accounts/{aid}/customers/tags': async (t) => [
    await call('POST', `${t.base}/customers/tags`, { token: t.token, body: { id: 'vip', tag: 'VIP' } }),
    await call('POST', `${t.base}/customers/tags`, { token: t.token, body: { id: 'vip', tag: 'VIP' } }),
  ],
  'DELETE /v1/accounts/{aid}/customers/tags/{tag_id}': async (t) => {
    await call('POST', `${t.base}/customers/tags`, { token: t.token, body: { id: 'vip', tag: 'VIP' } });
    return [
      await call('DELETE', `${t.base}/customers/tags/vip`, { token: t.token }),
      await call('DELETE', `${t.base}/customers/tags/vip`, { token: t.token }),
    ];
  },
  'POST /v1/accounts/{aid}/customers/users/{customer_id}/change_customer_id': async (t) => {
    const id = await customer(t);
    await customer(t, 'cc-2');
    return [
      await call('POST', users(t, `${id}/change_customer_id`), { token: t.token, body: { customer_id: 'cc-3' } }),
      await call('POST', users(t, 'cc-3/change_customer_id'), { token: t.token, body: { customer_id: 'cc-2' } }),
    ];
  },
  'GET /v1/accounts/{aid}/locations': async (t) => {
    await call('POST', `${t.base}/locations`, { token: t.token, body: location });
    return [
      await call('GET', `${t.base}/locations?country=NO`, { token: t.token }),
      await call('GET', `${t.base}/locations?limit=0`, { token: t.token }),
    ];
  },
  'POST /v1/accounts/{aid}/locations': async (t) => [
    await call('POST', `${t.base}/locations`, { token: t.token, body: location }),
    await call('POST', `${t.base}/locations`, { token: t.token, body: location }),
  ],
  'GET /v1/accounts/{aid}/locations/{lid}': async (t) => {
    await call('POST', `${t.base}/locations`, { token: t.token, body: location });
    return [
      await call('GET', `${t.base}/locations/sc029`, { token: t.token }),
      await call('GET', `${t.base}/locations/nope`, { token: t.token }),
    ];
  },
  'PUT /v1/accounts/{aid}/locations/{lid}': async (t) => {
    await call('POST', `${t.base}/locations`, { token: t.token, body: location });
    return [
      await call('PUT', `${t.base}/locations/sc029`, { token: t.token, body: { name: 'SC Majorstuen' } }),
      await call('PUT', `${t.base}/locations/sc029`, { token: t.token, body: { currency: 'nok' } }),
    ];
  },
  'DELETE /v1/accounts/{aid}/locations/{lid}': async (t) => {
    await call('POST', `${t.base}/locations`, { token: t.token, body: location });
    return call('DELETE', `${t.base}/locations/sc029`, { token: t.token });
  },
};

/** Each operation rabatt does not serve: one call, answered 501. */
const notServed: Record<string, Case> = Object.fromEntries(
  NOT_SERVED.map(({ method, path }) => {
    const documented = path.replace(/:([a-z_]+)/g, '{$1}');
    const concrete = path.replace(/:([a-z_]+)/g, 'x');
    const verb = method.toUpperCase();
    const run: Case = (t) =>
      call(verb, `${t.base}${concrete}`, { token: t.token, body: verb === 'POST' ? {} : undefined });
    return [`${verb} /v1/accounts/{aid}${documented}`, run];
  }),
);

export const customerApiCases: Record<string, Case> = { ...served, ...notServed };
