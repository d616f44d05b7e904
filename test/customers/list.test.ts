import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import { customerListQuerySchema } from '../../shared/schemas/customer';
import { CustomerStore } from '../../shared/store/customers';
import { call, json, tokenWith } from '../helpers';

const aid = 'T00050002';
const path = `/v1/accounts/${aid}/customers/users`;
let token: string;

const people: Record<string, unknown>[] = [
  {
    customer_id: 'ann',
    first_name: 'Ann',
    last_name: 'Andersen',
    email: 'ann@shop.no',
    phone_number: '+4791000001',
    attributes: { tier: 'gold', vip: true },
  },
  {
    customer_id: 'anders',
    first_name: 'Anders',
    last_name: 'Berg',
    email: 'anders+news@shop.no',
    phone_number: '+4791000002',
    attributes: { tier: 'silver' },
  },
  {
    customer_id: 'bob',
    first_name: 'Bob',
    last_name: 'Anker',
    email: 'BOB@other.se',
    phone_number: '+4670000003',
    attributes: { tier: 'gold' },
  },
  { customer_id: 'carl', first_name: 'Carl', last_name: 'Dahl', email: 'carl@shop.no', phone_number: '+4791000004' },
  {
    customer_id: 'acme',
    type: 'company',
    company: { bussiness_name: 'Acme' },
    email: 'post@acme.no',
    first_name: 'Acme',
  },
  { customer_id: 'cora', type: 'contact', first_name: 'Cora', email: 'cora@acme.no', phone_number: '+4791000006' },
  { customer_id: 'emil', type: 'employee', first_name: 'Emil', email: 'ann@shop.no' },
  { customer_id: 'gone', first_name: 'Gone', email: 'gone@shop.no', phone_number: '+4791000008' },
];

beforeAll(async () => {
  token = await tokenWith(['admin:customers', 'admin:discounts'], aid);
  for (const p of people) expect((await call('POST', path, { token, body: p })).status).toBe(200);
  await call('PUT', `${path}/ann/tags`, { token, body: { tag_ids: ['vip', 'north'] } });
  await call('PUT', `${path}/bob/tags`, { token, body: { tag_ids: ['vip'] } });
  const events = (body: unknown) =>
    call('POST', `/v1/accounts/${aid}/discounts/events`, { token, headers: { event: 'token_add' }, body });
  expect((await events({ token: { type: 'card', value: '7080001', customer_id: 'ann' } })).status).toBe(204);
  expect((await events({ token: { type: 'member', value: 'M-2', customer_id: 'bob' } })).status).toBe(204);
  expect((await events({ token: { type: 'card', value: '7080003', customer_id: 'carl' } })).status).toBe(204);
  expect((await call('DELETE', `${path}/gone`, { token })).status).toBe(200);
});

/** customer_ids answered for a raw query string, sorted. */
async function ids(query: string): Promise<string[]> {
  const res = await json(call('GET', `${path}?${query}`, { token }));
  expect(res.status, `${query}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body.map((c: { customer_id: string }) => c.customer_id).sort();
}

async function error(query: string) {
  const res = await json(call('GET', `${path}?${query}`, { token }));
  expect(res.status, query).toBe(400);
  return res.body.error.errors.map((e: { field: string }) => e.field);
}

describe('each parameter alone', () => {
  it('no filter: every live non-contact customer', async () => {
    expect(await ids('limit=100')).toEqual(['acme', 'anders', 'ann', 'bob', 'carl', 'emil']);
  });
  it('token_value and token_type', async () => {
    expect(await ids('token_value=7080001')).toEqual(['ann']);
    expect(await ids('token_type=card')).toEqual(['ann', 'carl']);
    expect(await ids('token_value=7080')).toEqual([]); // tokens are identities: exact, not prefix
  });
  it('email: prefix, case-insensitive; + encoded or as a stray space', async () => {
    expect(await ids('email=ANN@')).toEqual(['ann', 'emil']);
    expect(await ids('email=bob%40OTHER')).toEqual(['bob']);
    expect(await ids('email=anders%2Bnews')).toEqual(['anders']);
    expect(await ids('email=anders+news')).toEqual(['anders']);
    expect(await ids('email=zz')).toEqual([]);
  });
  it('phone_number: prefix; %2B, a stray space or no + at all', async () => {
    expect(await ids('phone_number=%2B4791')).toEqual(['ann', 'anders', 'carl'].sort());
    expect(await ids('phone_number=+4791')).toEqual(['anders', 'ann', 'carl']);
    expect(await ids('phone_number=4767')).toEqual([]);
    expect(await ids('phone_number=%2B467')).toEqual(['bob']);
    expect(await error('phone_number=%2B47abc')).toEqual(['phone_number']);
  });
  it('type: one type, any, and contacts only when asked', async () => {
    expect(await ids('type=company')).toEqual(['acme']);
    expect(await ids('type=contact')).toEqual(['cora']);
    expect(await ids('type=employee')).toEqual(['emil']);
    expect(await ids('type=any&limit=100')).toEqual(['acme', 'anders', 'ann', 'bob', 'carl', 'cora', 'emil']);
    expect(await error('type=robot')).toEqual(['type']);
  });
  it('search: prefix over names, phone, customer_id and email; several words AND', async () => {
    // Ann, Anders, Andersen, Anker, ann@ (Emil's email)
    expect(await ids('search=an')).toEqual(['anders', 'ann', 'bob', 'emil']);
    expect(await ids('search=AND')).toEqual(['anders', 'ann']);
    expect(await ids('search=carl%40')).toEqual(['carl']);
    expect(await ids('search=%2B467')).toEqual(['bob']);
    expect(await ids('search=4791000004')).toEqual(['carl']);
    expect(await ids('search=91000004')).toEqual([]); // prefix, not substring
    expect(await ids('search=ann%20andersen')).toEqual(['ann']);
    expect(await ids('search=ann%20berg')).toEqual([]);
    expect(await ids('search=acm')).toEqual(['acme']);
  });
  it('tag_id', async () => {
    expect(await ids('tag_id=vip')).toEqual(['ann', 'bob']);
    expect(await ids('tag_id=north')).toEqual(['ann']);
    expect(await ids('tag_id=nope')).toEqual([]);
  });
  it('include_deleted shows the tombstone', async () => {
    expect(await ids('include_deleted=true&limit=100')).toEqual([
      'acme',
      'anders',
      'ann',
      'bob',
      'carl',
      'emil',
      'gone',
    ]);
    expect(await ids('include_deleted=false&limit=100')).not.toContain('gone');
    expect(await ids('include_deleted=true&search=gone')).toEqual(['gone']); // its customer_id remains
    expect(await ids('include_deleted=true&email=gone')).toEqual([]); // its email does not
    expect(await error('include_deleted=yes')).toEqual(['include_deleted']);
  });
  it('attributes_keys: has all keys; both spellings, repeated', async () => {
    expect(await ids('attributes_keys=tier')).toEqual(['anders', 'ann', 'bob']);
    expect(await ids('attributes_keys[]=tier&attributes_keys[]=vip')).toEqual(['ann']);
    expect(await ids('attributes_keys%5B%5D=vip')).toEqual(['ann']);
    expect(await ids('attributes_keys=tier&attributes_keys=vip')).toEqual(['ann']);
  });
  it('attributes_values pair with attributes_keys by position', async () => {
    expect(await ids('attributes_keys[]=tier&attributes_values[]=gold')).toEqual(['ann', 'bob']);
    expect(await ids('attributes_keys=tier&attributes_values=silver')).toEqual(['anders']);
    expect(await ids('attributes_keys[]=vip&attributes_values[]=true')).toEqual(['ann']);
    expect(await error('attributes_values[]=gold')).toEqual(['attributes_values']);
  });
  it('limit: 1–100, default 10', async () => {
    expect(await ids('limit=2')).toEqual(['anders', 'ann']);
    expect(await error('limit=0')).toEqual(['limit']);
    expect(await error('limit=101')).toEqual(['limit']);
    expect(await error('limit=ten')).toEqual(['limit']);
  });
  it('starting_after a customer_id', async () => {
    expect(await ids('starting_after=carl&limit=100')).toEqual(['acme', 'emil']);
    expect(await error('starting_after=nobody')).toEqual(['starting_after']);
  });
  it('since_datetime: changed since, oldest change first; not with starting_after', async () => {
    const before = new Date(Date.now() - 1).toISOString();
    await call('PUT', `${path}/anders`, { token, body: { status: 'touched' } });
    const res = await json(call('GET', `${path}?since_datetime=${before}`, { token }));
    expect(res.body.map((c: { customer_id: string }) => c.customer_id)).toEqual(['anders']);
    const err = await json(call('GET', `${path}?since_datetime=${before}&starting_after=ann`, { token }));
    expect(err.status).toBe(400);
    expect(await error('since_datetime=yesterday')).toEqual(['since_datetime']);
  });
  it('total adds total-count, counting beyond the page', async () => {
    const res = await json(call('GET', `${path}?total=true&limit=1`, { token }));
    expect(res.body).toHaveLength(1);
    expect(res.headers.get('total-count')).toBe('6');
    expect((await json(call('GET', `${path}?limit=1`, { token }))).headers.get('total-count')).toBeNull();
  });
  it('unknown parameters are named', async () => {
    expect(await error('colour=red')).toEqual(['colour']);
  });
});

describe('parameters combined (AND)', () => {
  it.each([
    ['search=an&tag_id=vip', ['ann', 'bob']],
    ['search=an&email=ann', ['ann', 'emil']],
    ['search=an&email=ann&type=customer', ['ann']],
    ['email=ann%40&type=any', ['ann', 'emil']],
    ['email=ann%40&type=employee', ['emil']],
    ['phone_number=%2B4791&attributes_keys[]=tier', ['anders', 'ann']],
    ['token_type=card&search=c', ['carl']],
    ['token_value=M-2&token_type=member', ['bob']],
    ['token_value=M-2&token_type=card', []],
    ['tag_id=vip&attributes_keys[]=tier&attributes_values[]=gold&phone_number=%2B46', ['bob']],
    ['search=a&type=company', ['acme']],
    ['search=c&type=contact', ['cora']],
    ['include_deleted=true&search=g&type=customer', ['gone']],
    ['tag_id=vip&total=true&limit=1', ['ann']],
  ] as [string, string[]][])('%s', async (query, expected) => {
    expect(await ids(query)).toEqual(expected);
  });
});

describe('indexes, not scans', () => {
  it('a search streams in seq order: no temporary sort', async () => {
    const details = await plan({ search: 'an' });
    expect(details.join('\n')).not.toContain('TEMP B-TREE');
  });

  const plan = (query: Record<string, unknown>) =>
    runInDurableObject(env.ACCOUNTS.getByName(aid), (_i, state) => {
      const q = v.parse(customerListQuerySchema, query);
      const { sql, args } = new CustomerStore(state.storage.sql).listQuery(q);
      return state.storage.sql
        .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, ...args)
        .toArray()
        .map((r) => r.detail);
    });

  it.each([
    [{ search: 'an' }, 'SEARCH g USING PRIMARY KEY (gram=?)'],
    [{ search: 'andersen ber' }, 'SEARCH t USING PRIMARY KEY (seq=? AND term>? AND term<?)'],
    [{ search: 'andersen ber', include_deleted: 'true', type: 'any' }, 'SEARCH g USING PRIMARY KEY (gram=?)'],
    [{ email: 'ann' }, 'customers_by_email'],
    [{ phone_number: '+47' }, 'customers_by_phone'],
    [{ tag_id: 'vip' }, 'customer_tags'],
    [{ token_value: 'x' }, 'customer_tokens_by_value'],
    [{ attributes_keys: 'tier' }, 'customer_attributes'],
  ] as [Record<string, unknown>, string][])('%o uses %s', async (query, index) => {
    const details = await plan(query);
    expect(details.join('\n')).toContain(index);
    // Every table is reached through an index (SEARCH ...); a SCAN would read every customer.
    expect(
      details.filter((d) => /^SCAN /.test(d)),
      details.join('\n'),
    ).toEqual([]);
  });
});

describe('paging', () => {
  it('250 customers page by page: each seen once, in order', async () => {
    const pageAid = 'T00050003';
    const pagePath = `/v1/accounts/${pageAid}/customers/users`;
    const admin = await tokenWith(['admin:customers'], pageAid);
    const all = Array.from({ length: 250 }, (_, i) => ({
      customer_id: `p-${String(i).padStart(3, '0')}`,
      first_name: `Page${i}`,
    }));
    const imported = await json(
      call('POST', `${pagePath}/import`, { token: admin, body: { customers: all.slice(0, 200) } }),
    );
    expect(imported.status).toBe(200);
    // The rest one by one, in parallel: seq order is still creation order per customer.
    await Promise.all(all.slice(200).map((c) => call('POST', pagePath, { token: admin, body: c })));

    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await json(
        call('GET', `${pagePath}?limit=100${after ? `&starting_after=${after}` : ''}&total=true`, { token: admin }),
      );
      expect(res.headers.get('total-count')).toBe('250');
      if (!res.body.length) break;
      seen.push(...res.body.map((c: { customer_id: string }) => c.customer_id));
      after = res.body.at(-1).customer_id;
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(seen.slice(0, 200)).toEqual(all.slice(0, 200).map((c) => c.customer_id));
  });
});
