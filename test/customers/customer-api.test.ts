/**
 * The Customers API around the customer, end to end: tokens waiting for their customer,
 * change_customer_id carrying refs, ledger, claims and tokens (atomically), tags and the registry,
 * locations' edges, and the binding of user:discounts tokens.
 */
import { describe, expect, it } from 'vitest';
import { dinteroClient, givenDiscount, posReceipt, tillDiscount, type DinteroClient } from '../dintero/dintero';

const fieldsOf = (body: { error: { errors?: { field: string }[] } }) => body.error.errors?.map((e) => e.field) ?? [];

async function claimFor(client: DinteroClient, customerId: string, ref: string) {
  const evaluated = await client.post('/discounts/available_for_receipt', posReceipt(ref, customerId));
  expect(evaluated.body.discounts.length).toBeGreaterThan(0);
  const res = await client.post('/discounts/available_for_receipt/claims', {
    ref,
    purchase_at: evaluated.body.purchase_at,
    customer_id: customerId,
    discounts: evaluated.body.discounts.map((d: { id: string; refs: Record<string, number>[] }) => ({
      id: d.id,
      refs: d.refs.map(({ id, amount, usage }) => ({ id, amount, usage })),
    })),
  });
  expect(res.status).toBe(200);
  return res.body;
}

describe('tokens waiting for their customer', () => {
  it('token_add for an unregistered customer is stored, resolves receipts, joins the customer later', async () => {
    const client = await dinteroClient();
    const event = await client.post(
      '/discounts/events',
      { token: { type: 'card', value: 'early-1', customer_id: 'later-1' } },
      { event: 'token_add' },
    );
    expect(event.status).toBe(204);
    const did = await givenDiscount(client, tillDiscount(), ['later-1']);
    const receipt = { ...posReceipt('r-early', undefined), customer: { token: { type: 'card', value: 'early-1' } } };
    const before = await client.post('/discounts/available_for_receipt', receipt);
    expect(before.body.customer_id).toBe('later-1');
    expect(before.body.discounts.map((d: { id: string }) => d.id)).toEqual([did]);
    expect((await client.post('/customers/users', { customer_id: 'later-1' })).status).toBe(200);
    const tokens = await client.get('/customers/users/later-1/tokens');
    expect(tokens.body.map((t: { value: string }) => t.value)).toEqual(['early-1']);
    const listed = await client.get('/customers/users?token_value=early-1');
    expect(listed.body.map((c: { customer_id: string }) => c.customer_id)).toEqual(['later-1']);
  });

  it('POST /users/{id}/tokens: 404 for an unknown customer, 409 for a token another customer holds', async () => {
    const client = await dinteroClient();
    expect((await client.post('/customers/users/ghost/tokens', { type: 'c', value: 'v' })).status).toBe(404);
    await client.post('/customers/users', { customer_id: 'tk-a' });
    await client.post('/customers/users', { customer_id: 'tk-b' });
    expect((await client.post('/customers/users/tk-a/tokens', { type: 'c', value: 'shared' })).status).toBe(201);
    // The holder itself may send it again (a retry, a re-import).
    expect((await client.post('/customers/users/tk-a/tokens', { type: 'c', value: 'shared' })).status).toBe(201);
    const taken = await client.post('/customers/users/tk-b/tokens', { type: 'c', value: 'shared' });
    expect(taken.status).toBe(409);
    expect(fieldsOf(taken.body)).toEqual(['value']);
    // Another type is another token.
    expect((await client.post('/customers/users/tk-b/tokens', { type: 'd', value: 'shared' })).status).toBe(201);
    const bad = await client.post('/customers/users/tk-a/tokens', { value: 'no-type' });
    expect(fieldsOf(bad.body)).toEqual(['type']);
  });

  it('delete_token_events=true clears the events of the token first', async () => {
    const client = await dinteroClient();
    const token = { type: 'phone', value: '+4790000001' };
    await client.post('/customers/tokens/events', { token, event: { event: 'declined', status: 'OPT_OUT' } });
    await client.post('/customers/users', { customer_id: 'ev-1' });
    await client.post('/customers/users/ev-1/tokens?delete_token_events=true', token);
    const detail = await client.post('/customers/tokens/events', { token });
    expect(detail.body.events).toEqual([]);
    expect(detail.body.customer.customer_id).toBe('ev-1');
  });

  it('an expired event no longer sets the status; the one before it does', async () => {
    const client = await dinteroClient();
    const token = { type: 'phone', value: '+4790000002' };
    await client.post('/customers/tokens/events', { token, event: { event: 'a', status: 'PENDING' } });
    const past = new Date(Date.now() - 1000).toISOString();
    const res = await client.post('/customers/tokens/events', {
      token,
      event: { event: 'b', status: 'OPT_OUT', expires_at: past },
    });
    expect(res.body.status).toBe('PENDING');
  });
});

describe('change_customer_id', () => {
  it('refs, ledger, claims and tokens follow the customer', async () => {
    const client = await dinteroClient();
    await client.post('/customers/users', { customer_id: 'mv-old' });
    await client.post('/customers/users/mv-old/tokens', { type: 'card', value: 'mv-card' });
    const did = await givenDiscount(client, tillDiscount(), ['mv-old']);
    const claim = await claimFor(client, 'mv-old', 'mv-claim-1');
    const moved = await client.post('/customers/users/mv-old/change_customer_id', { customer_id: 'mv-new' });
    expect(moved.status).toBe(200);
    const rules = await client.get('/discounts/customers/mv-new/rules');
    expect(rules.body.map((d: { id: string }) => d.id)).toEqual([did]);
    expect(rules.body[0].statistics.usage).toBe(1);
    expect((await client.get('/discounts/customers/mv-old/rules')).body).toEqual([]);
    const claims = await client.get('/discounts/available_for_receipt/claims?customer_id=mv-new');
    expect(claims.body.map((c: { id: string }) => c.id)).toEqual([claim.id]);
    expect(claims.body[0].customer_id).toBe('mv-new');
    const usages = await client.get(`/discounts/rules/${did}/ledger`);
    expect(usages.body.map((u: { customer_id: string }) => u.customer_id)).toEqual(['mv-new']);
    const receipt = { ...posReceipt('r-mv', undefined), customer: { token: { type: 'card', value: 'mv-card' } } };
    expect((await client.post('/discounts/available_for_receipt', receipt)).body.customer_id).toBe('mv-new');
  });

  it('refuses an id a customer, ref or claim uses (409), and changes nothing then', async () => {
    const client = await dinteroClient();
    await client.post('/customers/users', { customer_id: 'cc-a' });
    await client.post('/customers/users', { customer_id: 'cc-b' });
    const taken = await client.post('/customers/users/cc-a/change_customer_id', { customer_id: 'cc-b' });
    expect(taken.status).toBe(409);
    expect(fieldsOf(taken.body)).toEqual(['customer_id']);
    await givenDiscount(client, tillDiscount(), ['cc-ref-only']);
    const held = await client.post('/customers/users/cc-a/change_customer_id', { customer_id: 'cc-ref-only' });
    expect(held.status).toBe(409);
    expect((await client.get('/customers/users/cc-a')).status).toBe(200);
    const missing = await client.post('/customers/users/cc-a/change_customer_id', {});
    expect(fieldsOf(missing.body)).toEqual(['customer_id']);
    const spaced = await client.post('/customers/users/cc-a/change_customer_id', { customer_id: ' x' });
    expect(fieldsOf(spaced.body)).toEqual(['customer_id']);
    expect((await client.post('/customers/users/nobody/change_customer_id', { customer_id: 'x' })).status).toBe(404);
  });

  it('two parallel changes to one new id: exactly one wins', async () => {
    const client = await dinteroClient();
    await client.post('/customers/users', { customer_id: 'par-a' });
    await client.post('/customers/users', { customer_id: 'par-b' });
    const results = await Promise.all(
      ['par-a', 'par-b'].map((id) =>
        client.post(`/customers/users/${id}/change_customer_id`, { customer_id: 'par-x' }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('needs admin:customers', async () => {
    const writer = await dinteroClient(['write:customers']);
    const res = await writer.post('/customers/users/any/change_customer_id', { customer_id: 'y' });
    expect(res.status).toBe(403);
  });
});

describe('tags', () => {
  it('{tag_ids} still answers the customer; unknown ids are registered; deleting a tag untags', async () => {
    const client = await dinteroClient();
    await client.post('/customers/users', { customer_id: 'tg-1' });
    const res = await client.put('/customers/users/tg-1/tags', { tag_ids: ['gold', 'staff'] });
    expect(res.body.customer_id).toBe('tg-1');
    expect(res.body.tag_ids).toEqual(['gold', 'staff']);
    const registry = await client.get('/customers/tags');
    expect(registry.body.filter((t: { id: string }) => ['gold', 'staff'].includes(t.id))).toHaveLength(2);
    await client.delete('/customers/tags/gold');
    expect((await client.get('/customers/users/tg-1')).body.tag_ids).toEqual(['staff']);
    expect((await client.get('/customers/users?tag_id=gold')).body).toEqual([]);
    expect((await client.delete('/customers/tags/gold')).status).toBe(404);
  });

  it('a bare array names the bad index; a taken tag id is 409', async () => {
    const client = await dinteroClient();
    await client.post('/customers/users', { customer_id: 'tg-2' });
    const bad = await client.put('/customers/users/tg-2/tags', ['ok', '']);
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['1']);
    const tooMany = await client.put(
      '/customers/users/tg-2/tags',
      Array.from({ length: 101 }, (_, i) => `t${i}`),
    );
    expect(tooMany.status).toBe(400);
    const hundred = await client.put(
      '/customers/users/tg-2/tags',
      Array.from({ length: 100 }, (_, i) => `t${i}`),
    );
    expect(hundred.status).toBe(200);
    await client.post('/customers/tags', { id: 'dup', tag: 'Dup' });
    const dup = await client.post('/customers/tags', { id: 'dup', tag: 'Dup' });
    expect(dup.status).toBe(409);
    expect(fieldsOf(dup.body)).toEqual(['id']);
    expect(fieldsOf((await client.post('/customers/tags', {})).body)).toEqual(['tag']);
  });
});

describe('locations', () => {
  it('validates fields by name, 409 for a taken location_id, filters and pages', async () => {
    const client = await dinteroClient();
    const bad = await client.post('/locations', { currency: 'nok', address: { address_line: 'x' } });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body).sort()).toEqual(['address.country', 'address.postal_place', 'currency']);
    await client.post('/locations', { location_id: 'L1', name: 'Oslo Sentrum', status: 'Active' });
    await client.post('/locations', { location_id: 'L2', name: 'Bergen', status: 'Closed' });
    await client.post('/locations', { location_id: 'L3', name: 'Oslo Vest', status: 'Active' });
    expect((await client.post('/locations', { location_id: 'L1' })).status).toBe(409);
    const active = await client.get('/locations?status=Active');
    expect(active.body.map((l: { location_id: string }) => l.location_id)).toEqual(['L1', 'L3']);
    const search = await client.get('/locations?search=oslo&limit=1');
    expect(search.body.map((l: { location_id: string }) => l.location_id)).toEqual(['L1']);
    const next = await client.get('/locations?search=oslo&starting_after=L1');
    expect(next.body.map((l: { location_id: string }) => l.location_id)).toEqual(['L3']);
    const unset = await client.put('/locations/L1', { status: null });
    expect(unset.body.status).toBeUndefined();
    expect(fieldsOf((await client.put('/locations/L1', { location_id: 'L9' })).body)).toEqual(['location_id']);
    expect((await client.get('/locations?limit=101')).status).toBe(400);
    expect((await client.get('/locations/nope')).status).toBe(404);
  });

  it('each exact filter keeps only the locations with that value (any of its values)', async () => {
    const client = await dinteroClient();
    const at = (country: string) => ({ address_line: 'Gate 1', postal_place: 'By', country });
    const base = {
      phone_number: '+4711111111',
      organization_number: 'ORG-1',
      email: 'a@example.com',
      type: 'Physical',
    };
    await client.post('/locations', { location_id: 'F1', ...base, address: at('NO') });
    await client.post('/locations', {
      location_id: 'F2',
      phone_number: '+4722222222',
      organization_number: 'ORG-2',
      email: 'b@example.com',
      type: 'Mobile',
      address: at('SE'),
    });
    const ids = async (query: string) =>
      (await client.get(`/locations?${query}`)).body
        .map((l: { location_id: string }) => l.location_id)
        .filter((id: string) => id.startsWith('F'));
    for (const [query, expected] of [
      ['country=SE', ['F2']],
      ['phone_number=%2B4711111111', ['F1']],
      ['organization_number=ORG-2', ['F2']],
      ['email=a@example.com', ['F1']],
      ['type=Mobile', ['F2']],
      ['type=Mobile&type=Physical', ['F1', 'F2']],
      ['country=NO&type=Mobile', []],
    ] as const) {
      expect(await ids(query), query).toEqual(expected);
    }
  });

  it('needs the locations scopes', async () => {
    const reader = await dinteroClient(['read:locations']);
    expect((await reader.get('/locations')).status).toBe(200);
    expect((await reader.post('/locations', { name: 'x' })).status).toBe(403);
    const customers = await dinteroClient(['admin:customers']);
    expect((await customers.get('/locations')).status).toBe(403);
  });
});
