import { describe, expect, it } from 'vitest';
import { refusedUrl } from '../../shared/automations/url';
import { call, json, tokenWith } from '../helpers';
import { automationsApi, WINDOW } from './helpers';

const fields = (res: { body: { error: { errors?: { field: string }[] } } }) =>
  (res.body.error.errors ?? []).map((e) => e.field);

describe('automations: refused requests', () => {
  it('names the field of each mistake', async () => {
    const api = await automationsApi('T44200001');
    const did = await api.rule({
      requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2030-01-01T00:00:00Z' },
    });
    const base = { requirement: { events: ['customer_add'], ...WINDOW, automation_to: '2029-01-01T00:00:00Z' } };
    const discount = [{ type: 'discount', id: did }];
    const cases: [unknown, string[]][] = [
      [{ ...base, actions: [] }, ['actions']],
      [{ ...base, actions: [{ type: 'email', to: 'x' }] }, ['actions.0.type']],
      [{ requirement: { ...base.requirement, events: ['order_add'] }, actions: discount }, ['requirement.events.0']],
      [{ requirement: { ...base.requirement, events: [] }, actions: discount }, ['requirement.events']],
      [
        { requirement: { ...base.requirement, automation_from: '2029-02-01T00:00:00Z' }, actions: discount },
        ['requirement.automation_to'],
      ],
      [
        // JSONPath keys are not repeated back (shared/validate.ts); the message says what a key must be.
        { requirement: { ...base.requirement, filter: { 'store.id': ['x'] } }, actions: discount },
        ['requirement.filter.(unnamed)'],
      ],
      [
        { requirement: { ...base.requirement, filter: { '$.total': [{ numeric: ['~', 1] }] } }, actions: discount },
        ['requirement.filter.(unnamed).0.numeric'],
      ],
      [
        {
          requirement: { ...base.requirement, filter: { '$.a': ['x'] }, filters: { '$.a': ['y'] } },
          actions: discount,
        },
        ['requirement.filters'],
      ],
      [{ ...base, actions: discount, limitation: { automation_repeat: 0 } }, ['limitation.automation_repeat']],
      [{ ...base, actions: [{ type: 'http', url: 'http://crm.example.com/hook', method: 'POST' }] }, ['actions.0.url']],
      [{ ...base, actions: [{ type: 'http', url: 'http://localhost:9000/hook', method: 'POST' }] }, ['actions.0.url']],
      [{ ...base, actions: [{ type: 'http', url: 'https://x.example/h', method: 'TRACE' }] }, ['actions.0.method']],
      [{ ...base, actions: [{ type: 'discount', id: crypto.randomUUID() }] }, ['actions.0.id']],
      // Dintero: automation_to must be before the discount's purchase_to.
      [
        { requirement: { ...base.requirement, automation_to: '2031-01-01T00:00:00Z' }, actions: discount },
        ['requirement.automation_to'],
      ],
    ];
    for (const [body, expected] of cases) {
      const res = await api.create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(fields(res), JSON.stringify(body)).toEqual(expected);
    }
    // A deleted rule cannot be given by a new automation.
    await json(call('DELETE', `${api.base}/discounts/rules/${did}`, { token: api.token }));
    expect(fields(await api.create({ ...base, actions: discount }))).toEqual(['actions.0.id']);
  });

  it('404 for an unknown or malformed automation id, on reads, deletes and deliveries', async () => {
    const api = await automationsApi('T44200002');
    for (const id of [crypto.randomUUID(), 'not-a-uuid']) {
      expect((await api.get(id)).status).toBe(404);
      expect((await api.remove(id)).status).toBe(404);
      expect((await api.deliveries(id)).status).toBe(404);
    }
    expect((await api.list('?starting_after=nope')).status).toBe(400);
    expect((await api.list('?limit=101')).status).toBe(400);
    expect((await api.list('?state=gone')).status).toBe(400);
  });
});

describe('automations: scopes', () => {
  it('read:automations reads, write:automations writes, admin:automations alone has the secret', async () => {
    const aid = 'T44200003';
    const api = await automationsApi(aid);
    const did = await api.rule();
    const body = { requirement: { events: ['customer_add'], ...WINDOW }, actions: [{ type: 'discount', id: did }] };
    const base = `/v1/accounts/${aid}/automations`;
    const reader = await tokenWith(['read:automations'], aid);
    // Giving a rule needs the scope POST /discounts/rules/{did}/customers needs (issue 21).
    const writer = await tokenWith(['write:automations', 'write:discounts'], aid);
    const discounts = await tokenWith(['admin:discounts', 'admin:customers'], aid);
    expect((await api.create(body, reader)).status).toBe(403);
    expect((await api.create(body, discounts)).status).toBe(403);
    const created = await api.create(body, writer);
    expect(created.status).toBe(200);
    expect((await json(call('GET', `${base}/rules/${created.body.id}`, { token: reader }))).status).toBe(200);
    expect((await json(call('GET', `${base}/rules`, { token: discounts }))).status).toBe(403);
    expect(await json(call('GET', `${base}/rules`))).toMatchObject({ status: 401 });
    expect((await json(call('DELETE', `${base}/rules/${created.body.id}`, { token: reader }))).status).toBe(403);
    expect((await json(call('POST', `${base}/signing_secret`, { token: writer }))).status).toBe(403);
    expect((await json(call('GET', `${base}/signing_secret`, { token: reader }))).status).toBe(403);
    // Another account's token sees nothing here.
    const foreign = await tokenWith(undefined, 'T44200004');
    expect((await json(call('GET', `${base}/rules`, { token: foreign }))).status).toBe(403);
  });
});

describe('delivery URLs and signatures', () => {
  it('only https, except http://localhost and 127.0.0.1 with RABATT_DEV=1', () => {
    const prod = {};
    const dev = { RABATT_DEV: '1' };
    expect(refusedUrl('https://crm.example.com/h', prod)).toBeUndefined();
    expect(refusedUrl('http://crm.example.com/h', prod)).toBeDefined();
    expect(refusedUrl('http://localhost:8788/h', prod)).toBeDefined();
    expect(refusedUrl('http://localhost:8788/h', dev)).toBeUndefined();
    expect(refusedUrl('http://127.0.0.1/h', dev)).toBeUndefined();
    expect(refusedUrl('http://crm.example.com/h', dev)).toBeDefined();
    expect(refusedUrl('https://user:pw@crm.example.com/h', prod)).toBeDefined();
    expect(refusedUrl('ftp://crm.example.com/h', dev)).toBeDefined();
  });
});
