import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, tokenWith } from '../helpers';

const aid = 'T00050001';
const path = `/v1/accounts/${aid}/customers/users`;
let token: string;

beforeAll(async () => {
  token = await tokenWith(['admin:customers'], aid, 'crm-client');
});

const create = (body: unknown, t = token) => json(call('POST', path, { token: t, body }));
const fieldsOf = (body: { error: { errors?: { field: string }[] } }) => (body.error.errors ?? []).map((e) => e.field);

describe('create and read', () => {
  it('stores every documented field and reads it back by customer_id', async () => {
    const body = {
      customer_id: 'crud-1',
      email: 'Kari@Example.com',
      phone_number: '+4799999999',
      first_name: 'Kari',
      last_name: 'Nordmann',
      attributes: { tier: 'gold', visits: 3 },
      status: 'active',
      favorite_store: 'oslo-1',
      enrolled_by: { type: 'store', value: 'oslo-1' },
      marketing_consent: { email: { consent: true }, sms: { consent: false } },
      addresses: [{ address_line: 'Storgata 1', postal_code: '0155', postal_place: 'Oslo', country: 'NO' }],
      gender: 'female',
      date_of_birth: '1990-09-20',
      metadata: { dob_year: 1990 },
    };
    const created = await create(body);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      ...body,
      type: 'customer',
      tag_ids: [],
      created_by: 'crm-client',
      updated_by: 'crm-client',
    });
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const read = await json(call('GET', `${path}/crud-1`, { token }));
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('generates a customer_id when none is given', async () => {
    const created = await create({ first_name: 'Anon' });
    expect(created.status).toBe(200);
    expect(created.body.customer_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await call('GET', `${path}/${created.body.customer_id}`, { token })).status).toBe(200);
  });

  it('accepts a company with type company, and a customer_id needing URL encoding', async () => {
    const created = await create({
      customer_id: 'acme ltd#1',
      type: 'company',
      company: { bussiness_name: 'Acme', organization_number: '999888777' },
    });
    expect(created.status).toBe(200);
    const read = await json(call('GET', `${path}/${encodeURIComponent('acme ltd#1')}`, { token }));
    expect(read.body.company).toEqual({ bussiness_name: 'Acme', organization_number: '999888777' });
    // rabatt's earlier spelling is still accepted, and stored under Dintero's.
    const older = await json(
      call('POST', path, {
        token,
        body: { customer_id: 'acme-2', type: 'company', company: { business_name: 'Acme' } },
      }),
    );
    expect(older.body.company).toEqual({ bussiness_name: 'Acme' });
  });

  it('404 for an unknown customer_id', async () => {
    expect((await json(call('GET', `${path}/nobody`, { token }))).status).toBe(404);
    expect((await json(call('PUT', `${path}/nobody`, { token, body: {} }))).status).toBe(404);
    expect((await json(call('DELETE', `${path}/nobody`, { token }))).status).toBe(404);
  });
});

describe('validation names the field', () => {
  const cases: [string, unknown, string][] = [
    ['bad E.164', { phone_number: '004799999999' }, 'phone_number'],
    ['phone with spaces', { phone_number: '+47 999 99 999' }, 'phone_number'],
    ['leading space in customer_id', { customer_id: ' x1' }, 'customer_id'],
    ['trailing space in customer_id', { customer_id: 'x1 ' }, 'customer_id'],
    ['customer_id too long', { customer_id: 'x'.repeat(256) }, 'customer_id'],
    ['empty customer_id', { customer_id: '' }, 'customer_id'],
    ['company type without company', { type: 'company' }, 'company'],
    ['company on a plain customer', { company: { bussiness_name: 'Acme' } }, 'company'],
    ['contact_for on a plain customer', { contact_for: [{ customer_id: 'c-1' }] }, 'contact_for'],
    ['unknown type', { type: 'robot' }, 'type'],
    ['email not a string', { email: 42 }, 'email'],
    ['email malformed', { email: 'not-an-email' }, 'email'],
    ['attributes not an object', { attributes: ['a'] }, 'attributes'],
    ['first_name not a string', { first_name: true }, 'first_name'],
    ['date_of_birth not a date', { date_of_birth: '20.09.1990' }, 'date_of_birth'],
    ['unknown field', { shoe_size: 44 }, 'shoe_size'],
    ['address country', { addresses: [{ country: 'Norway' }] }, 'addresses.0.country'],
  ];
  it.each(cases)('%s', async (_name, body, field) => {
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toContain(field);
    expect(JSON.stringify(res.body)).not.toContain('Norway');
  });

  it('a customer_id of 255 characters is fine', async () => {
    expect((await create({ customer_id: 'y'.repeat(255) })).status).toBe(200);
  });
});

describe('duplicates', () => {
  it('rejects a second customer_id with 409', async () => {
    expect((await create({ customer_id: 'dup-1' })).status).toBe(200);
    const again = await create({ customer_id: 'dup-1' });
    expect(again.status).toBe(409);
    expect(fieldsOf(again.body)).toEqual(['customer_id']);
  });

  it('email is unique per type, compared case-insensitively', async () => {
    expect((await create({ customer_id: 'mail-1', email: 'customer@example.com' })).status).toBe(200);
    const clash = await create({ customer_id: 'mail-2', email: 'CUStOMer@EXAMPLE.com' });
    expect(clash.status).toBe(409);
    expect(fieldsOf(clash.body)).toEqual(['email']);
    // Same email, another type: allowed.
    expect((await create({ customer_id: 'mail-3', email: 'Customer@example.com', type: 'employee' })).status).toBe(200);
    // Moving mail-3 into the type that already holds the email clashes too.
    expect((await json(call('PUT', `${path}/mail-3`, { token, body: { type: 'customer' } }))).status).toBe(409);
  });

  it('parallel creates with one email: exactly one wins', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => create({ customer_id: `race-${i}`, email: `Race@Example.com` })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(7);
  });
});

describe('update', () => {
  it('is partial; null unsets a field or a metadata key; metadata null clears it', async () => {
    await create({ customer_id: 'upd-1', first_name: 'Ola', last_name: 'N', metadata: { a: 1, b: 2 } });
    const step1 = await json(
      call('PUT', `${path}/upd-1`, { token, body: { last_name: null, metadata: { a: null, c: 3 } } }),
    );
    expect(step1.status).toBe(200);
    expect(step1.body.first_name).toBe('Ola');
    expect(step1.body).not.toHaveProperty('last_name');
    expect(step1.body.metadata).toEqual({ b: 2, c: 3 });
    const step2 = await json(call('PUT', `${path}/upd-1`, { token, body: { metadata: null } }));
    expect(step2.body).not.toHaveProperty('metadata');
    expect(step2.body.first_name).toBe('Ola');
  });

  it('checks the merged customer, and keeps customer_id', async () => {
    await create({ customer_id: 'upd-2' });
    const r1 = await json(call('PUT', `${path}/upd-2`, { token, body: { type: 'company' } }));
    expect(r1.status).toBe(400);
    expect(fieldsOf(r1.body)).toContain('company');
    const r2 = await json(call('PUT', `${path}/upd-2`, { token, body: { customer_id: 'other' } }));
    expect(r2.status).toBe(400);
    expect(fieldsOf(r2.body)).toEqual(['customer_id']);
    const r3 = await json(call('PUT', `${path}/upd-2`, { token, body: { phone_number: '12' } }));
    expect(fieldsOf(r3.body)).toEqual(['phone_number']);
  });

  it('a GET body can be sent back unchanged', async () => {
    const { body } = await create({ customer_id: 'upd-3', first_name: 'Echo' });
    const res = await json(call('PUT', `${path}/upd-3`, { token, body }));
    expect(res.status).toBe(200);
    expect(res.body.first_name).toBe('Echo');
    expect(res.body.created_at).toBe(body.created_at);
  });
});

describe('tags', () => {
  it('PUT /tags sets the tag ids and returns the customer', async () => {
    await create({ customer_id: 'tag-1' });
    const res = await json(call('PUT', `${path}/tag-1/tags`, { token, body: { tag_ids: ['vip', 'staff', 'vip'] } }));
    expect(res.status).toBe(200);
    expect(res.body.tag_ids).toEqual(['vip', 'staff']);
    const cleared = await json(call('PUT', `${path}/tag-1/tags`, { token, body: { tag_ids: [] } }));
    expect(cleared.body.tag_ids).toEqual([]);
    const bad = await json(call('PUT', `${path}/tag-1/tags`, { token, body: { tag_ids: 'vip' } }));
    expect(fieldsOf(bad.body)).toEqual(['tag_ids']);
  });
});

describe('delete erases', () => {
  it('keeps only ids and stamps, in the answer and in storage', async () => {
    await create({
      customer_id: 'del-1',
      email: 'secret.person@example.com',
      phone_number: '+4791234567',
      first_name: 'Secretname',
      attributes: { hobby: 'hidden-hobby' },
      addresses: [{ address_line: 'Hiddenstreet 9' }],
    });
    await call('PUT', `${path}/del-1/tags`, { token, body: { tag_ids: ['hidden-tag'] } });
    await call('POST', `/v1/accounts/${aid}/discounts/events`, {
      token: await tokenWith(['write:discounts:/events'], aid),
      headers: { event: 'token_add' },
      body: { token: { type: 'card', value: 'hidden-card', customer_id: 'del-1' } },
    });
    const del = await json(call('DELETE', `${path}/del-1`, { token }));
    expect(del.status).toBe(200);
    expect(Object.keys(del.body).sort()).toEqual([
      'created_at',
      'created_by',
      'customer_id',
      'deleted_at',
      'deleted_by',
      'id',
      'type',
    ]);
    // Deleting again answers the same tombstone; GET shows it; PUT refuses.
    expect((await json(call('DELETE', `${path}/del-1`, { token }))).body).toEqual(del.body);
    expect((await json(call('GET', `${path}/del-1`, { token }))).body).toEqual(del.body);
    expect((await json(call('PUT', `${path}/del-1`, { token, body: { first_name: 'Back' } }))).status).toBe(400);

    const dump = await runInDurableObject(env.ACCOUNTS.getByName(aid), (_instance, state) => {
      const sql = state.storage.sql;
      const seq = sql.exec<{ seq: number }>('SELECT seq FROM customers WHERE customer_id = ?', 'del-1').one().seq;
      return JSON.stringify({
        row: sql.exec('SELECT * FROM customers WHERE seq = ?', seq).toArray(),
        terms: sql.exec('SELECT * FROM customer_terms WHERE seq = ?', seq).toArray(),
        grams: sql.exec('SELECT * FROM customer_grams WHERE seq = ?', seq).toArray(),
        tags: sql.exec('SELECT * FROM customer_tags WHERE seq = ?', seq).toArray(),
        attributes: sql.exec('SELECT * FROM customer_attributes WHERE seq = ?', seq).toArray(),
        tokens: sql.exec('SELECT * FROM customer_tokens WHERE customer_seq = ?', seq).toArray(),
      });
    });
    for (const secret of [
      'secret.person',
      '4791234567',
      '+479',
      'Secretname',
      'secretname',
      'secr',
      'hidden-hobby',
      'Hiddenstreet',
      'hidden-tag',
      'hidden-card',
    ]) {
      expect(dump).not.toContain(secret);
    }
    expect(dump).toContain('del-1');
  });
});

describe('auth', () => {
  it('401 without a token, 403 with only discounts scopes, reads with read:customers only', async () => {
    expect((await call('GET', path)).status).toBe(401);
    const discounts = await tokenWith(['admin:discounts', 'read:discounts', 'write:discounts'], aid);
    expect((await call('GET', path, { token: discounts })).status).toBe(403);
    expect((await create({ customer_id: 'auth-1' }, discounts)).status).toBe(403);
    const reader = await tokenWith(['read:customers'], aid);
    expect((await call('GET', path, { token: reader })).status).toBe(200);
    expect((await create({ customer_id: 'auth-2' }, reader)).status).toBe(403);
    const writer = await tokenWith(['write:customers'], aid);
    expect((await create({ customer_id: 'auth-3' }, writer)).status).toBe(200);
    expect((await call('DELETE', `${path}/auth-3`, { token: reader })).status).toBe(403);
    // Bulk import is for admins only.
    expect((await call('POST', `${path}/import`, { token: writer, body: { customers: [{}] } })).status).toBe(403);
    const other = await tokenWith(['admin:customers'], 'T00059999');
    expect((await call('GET', path, { token: other })).status).toBe(403);
  });
});

describe('import', () => {
  it('creates all or none, naming the failing entry', async () => {
    const ok = await json(
      call('POST', `${path}/import`, { token, body: { customers: [{ customer_id: 'imp-1' }, { first_name: 'Gen' }] } }),
    );
    expect(ok.status).toBe(200);
    expect(ok.body.map((c: { customer_id: string }) => c.customer_id)[0]).toBe('imp-1');
    const bad = await json(
      call('POST', `${path}/import`, { token, body: { customers: [{ customer_id: 'imp-2' }, { phone_number: 'x' }] } }),
    );
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['customers.1.phone_number']);
    const dup = await json(
      call('POST', `${path}/import`, {
        token,
        body: {
          customers: [
            { customer_id: 'imp-3', email: 'a@imp.no' },
            { customer_id: 'imp-4', email: 'A@imp.no' },
          ],
        },
      }),
    );
    expect(dup.status).toBe(409);
    expect(fieldsOf(dup.body)).toEqual(['customers.1.email']);
    // Nothing of the failed imports was kept.
    for (const id of ['imp-2', 'imp-3', 'imp-4'])
      expect((await call('GET', `${path}/${id}`, { token })).status).toBe(404);
  });
});
