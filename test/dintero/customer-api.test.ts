/**
 * Contract: Dintero's Customers API around the customer (tokens, token events, tags,
 * change_customer_id, locations), requests built from Dintero's types, answers checked against them.
 */
import { describe, expect, it } from 'vitest';
import { dinteroClient, givenDiscount, posReceipt, tillDiscount } from './dintero';
import { CustomerTag, CustomerToken, SalesLocationResponse, TokenDetail, TokenEventsEntry } from './customer-schemas';
import { CustomerResponse, ErrorBody, expectFields, expectShape } from './schemas';

const card = {
  token_id: 'card-0001',
  type: 'sha1:email',
  value: 'a1b79ef1a62d94ffa86b3f3d846df0ee3993af92',
  metadata: { exp_month: 10, exp_year: 20, mask_pan: '**** **** **** 3477' },
};

describe('Dintero contract: customer tokens', () => {
  it('aid_customers_cid_tokens_post / _get / _tid_delete: CustomerToken', async () => {
    const client = await dinteroClient();
    await client.post('/customers/users', { customer_id: 'T1' });
    const created = await client.post('/customers/users/T1/tokens', card);
    expect(created.status).toBe(201);
    expectShape(CustomerToken, created.body);
    expectFields(created.body, ['token_id', 'type', 'value', 'metadata.mask_pan', 'created_at']);
    const generated = await client.post('/customers/users/T1/tokens?delete_token_events=true', {
      type: 'member',
      value: '7080001',
    });
    expect(generated.status).toBe(201);
    expect(generated.body.token_id).toEqual(expect.any(String));
    const list = await client.get(
      '/customers/users/T1/tokens?type=sha1:email&limit=10&total=true&include_deleted=true',
    );
    expect(list.status).toBe(200);
    expect(list.body.map((t: { token_id: string }) => t.token_id)).toEqual(['card-0001']);
    for (const t of list.body) expectShape(CustomerToken, t);
    const next = await client.get('/customers/users/T1/tokens?starting_after=card-0001');
    expect(next.body.map((t: { token_id: string }) => t.token_id)).toEqual([generated.body.token_id]);
    const deleted = await client.delete('/customers/users/T1/tokens/card-0001');
    expect(deleted.status).toBe(200);
    expectShape(CustomerToken, deleted.body);
    expect((await client.get('/customers/users/T1/tokens')).body).toHaveLength(1);
    const again = await client.delete('/customers/users/T1/tokens/card-0001');
    expect(again.status).toBe(404);
    expectShape(ErrorBody, again.body);
  });

  it('a token added through the Customers API is the one receipts resolve (one store)', async () => {
    const client = await dinteroClient();
    await client.post('/customers/users', { customer_id: 'T2' });
    await client.post('/customers/users/T2/tokens', { type: 'member_card', value: '7080002' });
    const did = await givenDiscount(client, tillDiscount(), ['T2']);
    const receipt = {
      ...posReceipt('r-t2', undefined),
      customer: { token: { type: 'member_card', value: '7080002' } },
    };
    const res = await client.post('/discounts/available_for_receipt', receipt);
    expect(res.body.customer_id).toBe('T2');
    expect(res.body.discounts.map((d: { id: string }) => d.id)).toEqual([did]);
  });
});

describe('Dintero contract: token events', () => {
  it('aid_customers_tokens_events_post / _get / _delete: TokenDetail and events', async () => {
    const client = await dinteroClient();
    const token = { type: 'phone_sha', value: 'abc123' };
    const since = new Date(Date.now() - 1000).toISOString();
    const recorded = await client.post('/customers/tokens/events', {
      token,
      event: {
        event: 'customer declined signup in store',
        status: 'OPT_OUT',
        metadata: { store_id: 'SID1234' },
        expires_at: '2099-01-01T00:00:00Z',
      },
    });
    expect(recorded.status).toBe(200);
    expectShape(TokenDetail, recorded.body);
    expect(recorded.body.status).toBe('OPT_OUT');
    expect(recorded.body.events).toHaveLength(1);
    expectFields(recorded.body.events[0], ['event', 'status', 'metadata.store_id', 'created_at', 'expires_at']);
    expect(recorded.body.customer).toBeUndefined();
    const list = await client.get('/customers/tokens/events?limit=10');
    expect(list.status).toBe(200);
    for (const e of list.body) expectShape(TokenEventsEntry, e);
    expect(list.body.map((e: { id: string }) => e.id)).toContain(recorded.body.id);
    const updated = await client.get(`/customers/tokens/events?since_datetime=${since}`);
    expect(updated.status).toBe(200);
    expect(updated.body.map((e: { id: string }) => e.id)).toContain(recorded.body.id);
    const cleared = await client.delete('/customers/tokens/events', {
      token,
      event: { event: 'customer registered in webshop' },
    });
    expect(cleared.status).toBe(204);
    const deleted = await client.get(`/customers/tokens/events?deleted_since=${since}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.map((e: { id: string }) => e.id)).toContain(recorded.body.id);
    const after = await client.post('/customers/tokens/events', { token });
    expect(after.body.id).toBe(recorded.body.id);
    expect(after.body.status).toBe('DELETED');
    expect(after.body.events.map((e: { event: string }) => e.event)).toEqual(['customer registered in webshop']);
  });

  it('TokenDetail names the customer holding the token; status falls back to UNKNOWN', async () => {
    const client = await dinteroClient();
    await client.post('/customers/users', { customer_id: 'T3', status: 'vip' });
    await client.post('/customers/users/T3/tokens', { type: 'card', value: 'T3-card' });
    const res = await client.post('/customers/tokens/events', { token: { type: 'card', value: 'T3-card' } });
    expectShape(TokenDetail, res.body);
    expect(res.body.customer.customer_id).toBe('T3');
    expect(res.body.token.value).toBe('T3-card');
    expect(res.body.status).toBe('vip');
    const unknown = await client.post('/customers/tokens/events', { token: { type: 'card', value: 'nobody' } });
    expect(unknown.body.status).toBe('UNKNOWN');
  });
});

describe('Dintero contract: tags', () => {
  it('aid_customers_tags_post / _get / _tid_delete and aid_customers_cid_tags_get / _put', async () => {
    const client = await dinteroClient();
    const created = await client.post('/customers/tags', { tag: 'VIP', metadata: { colour: 'gold' } });
    expect(created.status).toBe(200);
    expectShape(CustomerTag, created.body);
    expectFields(created.body, ['id', 'tag', 'created_at', 'metadata.colour']);
    const list = await client.get('/customers/tags');
    for (const t of list.body) expectShape(CustomerTag, t);
    await client.post('/customers/users', { customer_id: 'G1' });
    // Dintero's body: a bare array of tag ids, answered with CustomerTag[].
    const put = await client.put('/customers/users/G1/tags', [created.body.id]);
    expect(put.status).toBe(200);
    expect(put.body.map((t: { tag: string }) => t.tag)).toEqual(['VIP']);
    for (const t of put.body) expectShape(CustomerTag, t);
    const got = await client.get('/customers/users/G1/tags');
    expect(got.body.map((t: { id: string }) => t.id)).toEqual([created.body.id]);
    const deleted = await client.delete(`/customers/tags/${created.body.id}`);
    expect(deleted.status).toBe(200);
    expectShape(CustomerTag, deleted.body);
    expectFields(deleted.body, ['deleted_at']);
    expect((await client.get('/customers/users/G1/tags')).body).toEqual([]);
    const customer = await client.get('/customers/users/G1');
    expectShape(CustomerResponse, customer.body);
  });
});

describe('Dintero contract: change_customer_id', () => {
  it('aid_customers_cid_change_customer_id_post: CustomerResponse under the new id, with its metadata', async () => {
    const client = await dinteroClient();
    await client.post('/customers/users', { customer_id: 'old-1', first_name: 'Kari' });
    const res = await client.post('/customers/users/old-1/change_customer_id', { customer_id: 'new-1' });
    expect(res.status).toBe(200);
    expectShape(CustomerResponse, res.body);
    expect(res.body.customer_id).toBe('new-1');
    const [key] = Object.keys(res.body.metadata);
    expect(key).toMatch(/^dintero_change_customer_id_\d+\.[0-9a-f]+$/);
    expect(res.body.metadata[key!]).toEqual({
      created_at: expect.any(String),
      created_by: 'test-client',
      old: 'old-1',
      new: 'new-1',
    });
    expect((await client.get('/customers/users/new-1')).body.first_name).toBe('Kari');
    expect((await client.get('/customers/users/old-1')).status).toBe(404);
  });
});

describe('Dintero contract: locations', () => {
  const location = {
    location_id: 'S01923',
    name: 'TKP Store',
    timezone: 'Europe/Oslo',
    status: 'Active',
    language_code: 'nb-NO',
    currency: 'NOK',
    phone_number: '+4799999999',
    chain: 'SuperChain',
    email: 'saleslocation@example.com',
    mcc: '5814',
    gln: '7080000000000',
    organization_number: '123456789MVA',
    business_name: 'TKP technology AS',
    franchise: 'Subway',
    type: 'Physical',
    website_url: 'https://example.com',
    address: {
      address_line: 'Sommerkroveien 34',
      postal_code: '0349',
      postal_place: 'Oslo',
      country: 'NO',
      latitude: 59.942112,
      longitude: 10.716991,
    },
  };
  it('aid_location_post / aid_locations_get / _lid_get / _lid_put / _lid_delete: SalesLocationResponse', async () => {
    const client = await dinteroClient();
    const created = await client.post('/locations', location);
    expect(created.status).toBe(200);
    expectShape(SalesLocationResponse, created.body);
    expectFields(created.body, [...Object.keys(location), 'account_id', 'id', 'created_at']);
    const filters =
      'search=TKP&status=Active&status=Closed&country=NO&phone_number=%2B4799999999&organization_number=123456789MVA' +
      '&email=saleslocation@example.com&type=Physical';
    const list = await client.get(`/locations?limit=10&${filters}`);
    expect(list.status).toBe(200);
    for (const l of list.body) expectShape(SalesLocationResponse, l);
    expect(list.body.map((l: { location_id: string }) => l.location_id)).toContain('S01923');
    const got = await client.get('/locations/S01923');
    expectShape(SalesLocationResponse, got.body);
    const put = await client.put('/locations/S01923', { ...location, name: 'TKP Store Majorstuen' });
    expect(put.status).toBe(200);
    expectShape(SalesLocationResponse, put.body);
    expect(put.body.name).toBe('TKP Store Majorstuen');
    const deleted = await client.delete('/locations/S01923');
    expect(deleted.status).toBe(200);
    expectShape(SalesLocationResponse, deleted.body);
    expect((await client.get('/locations/S01923')).status).toBe(404);
  });
});

describe('Dintero contract: operations rabatt does not serve', () => {
  it.each([
    ['POST', '/customers/login'],
    ['POST', '/customers/mfa_login'],
    ['POST', '/customers/mfa_login_recovery'],
    ['POST', '/customers/change_password'],
    ['GET', '/customers/users/C1/communication'],
    ['POST', '/customers/users/C1/communication/send-verification-code/email'],
    ['GET', '/customers/terms'],
    ['POST', '/customers/terms'],
    ['GET', '/customers/terms/t1'],
    ['DELETE', '/customers/terms/t1'],
    ['GET', '/search/external/organizations/NO/123456789'],
    ['GET', '/search/external/organizations/no'],
    ['GET', '/search/external/postal_place/NO/0349'],
    ['POST', '/search/external/address/NO/validate'],
  ])('%s %s answers 501 in the error shape', async (method, path) => {
    const client = await dinteroClient();
    const res =
      method === 'GET'
        ? await client.get(path)
        : method === 'DELETE'
          ? await client.delete(path)
          : await client.post(path, {});
    expect(res.status).toBe(501);
    expectShape(ErrorBody, res.body);
    expect(res.body.error.code).toBe('not_implemented');
  });
});
