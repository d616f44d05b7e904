import { afterEach, describe, expect, it } from 'vitest';
import { renderBody } from '../../shared/automations/template';
import { call, json } from '../helpers';
import { automationsApi, eventually, receiver, WINDOW } from './helpers';

let restore = () => {};
afterEach(() => restore());

const http = (n: number, url = 'https://crm.example.com/h') =>
  Array.from({ length: n }, () => ({ type: 'http', url, method: 'POST' }));
const onAdd = { events: ['customer_add'], ...WINDOW };

describe('a rendered body is bounded (issue 21, Medium 2)', () => {
  it('renders up to 65,536 bytes; one more is an error, not a body', () => {
    const payload = (n: number) => ({ s: 'x'.repeat(n) });
    // {"a":"…"} is 8 characters around the value.
    expect(renderBody({ a: '$.s' }, 'customer_add', 'customer', payload(65_536 - 8))).toHaveLength(65_536);
    expect(() => renderBody({ a: '$.s' }, 'customer_add', 'customer', payload(65_536 - 7))).toThrow(/65536/);
    // The default envelope is bounded the same way.
    expect(() => renderBody(undefined, 'customer_add', 'customer', payload(70_000))).toThrow(/65536/);
  });

  it('the 4,000 "$" template: the customer is still created, the delivery is recorded failed', async () => {
    const api = await automationsApi('T44400001');
    const mock = receiver(() => new Response(null, { status: 204 }));
    restore = mock.restore;
    const template = Array(4000).fill('$');
    expect(JSON.stringify(template)).toHaveLength(16_001);
    const arid = await api.automation({
      requirement: onAdd,
      limitation: { automation_repeat: -1 },
      actions: [{ type: 'http', url: 'https://crm.example.com/h', method: 'POST', body: template }],
    });
    const metadata = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, 'v'.repeat(1000)]));
    const created = await api.customer({ customer_id: 'big', metadata });
    expect(created.status).toBeGreaterThanOrEqual(200);
    expect(created.status).toBeLessThan(300);
    expect((await json(call('GET', `${api.base}/customers/users/big`, { token: api.token }))).status).toBe(200);
    const [delivery] = (await api.deliveries(arid)).body;
    expect(delivery).toMatchObject({ status: 'failed', attempts: [{ attempt: 1, outcome: 'render_error' }] });
    expect(delivery.attempts[0].error).toContain('65536');
    expect(mock.seen).toHaveLength(0);
  });
});

describe('limits per account, per event and per import (issue 21, Medium 3)', () => {
  it('50 automations per account, also when 55 are written at once; a deleted one frees its place', async () => {
    const api = await automationsApi('T44400002');
    const body = { requirement: onAdd, actions: http(1) };
    const answers = await Promise.all(Array.from({ length: 55 }, () => api.create(body)));
    const made = answers.filter((r) => r.status === 200);
    expect(made).toHaveLength(50);
    for (const refused of answers.filter((r) => r.status !== 200)) {
      expect(refused.status).toBe(400);
      expect(refused.body.error.errors[0]).toMatchObject({ field: '(body)', code: 'too_many_automations' });
    }
    expect((await api.create(body)).status).toBe(400);
    await api.remove(made[0]!.body.id);
    expect((await api.create(body)).status).toBe(200);
    expect((await api.create(body)).status).toBe(400);
  });

  it('20 actions per event: the automations past it do not act on that event', async () => {
    const api = await automationsApi('T44400003');
    const mock = receiver(() => new Response(null, { status: 204 }));
    restore = mock.restore;
    const did = await api.rule();
    const a = await api.automation({ requirement: onAdd, actions: http(10) });
    const b = await api.automation({ requirement: onAdd, actions: http(10) });
    const c = await api.automation({ requirement: onAdd, actions: [{ type: 'discount', id: did }] });
    await api.customer({ customer_id: 'many' });
    expect((await api.deliveries(a, '?limit=100')).body).toHaveLength(10);
    expect((await api.deliveries(b, '?limit=100')).body).toHaveLength(10);
    expect(await api.holders(did)).toEqual([]);
    // The same automations with one action fewer: all of them act.
    await api.remove(b);
    await api.automation({ requirement: onAdd, actions: http(9) });
    await api.customer({ customer_id: 'fewer' });
    expect(await api.holders(did)).toEqual(['fewer']);
    expect((await api.get(c)).status).toBe(200);
    // Let the queue finish its 39 calls while the receiver is still in place.
    await eventually(
      async () => mock.seen.length,
      (n) => n >= 39,
    );
  });

  it('200 deliveries per write: an import stops queueing past it', async () => {
    const api = await automationsApi('T44400004');
    const mock = receiver(() => new Response(null, { status: 204 }));
    restore = mock.restore;
    const a = await api.automation({ requirement: onAdd, limitation: { automation_repeat: -1 }, actions: http(10) });
    const b = await api.automation({ requirement: onAdd, limitation: { automation_repeat: -1 }, actions: http(10) });
    const customers = Array.from({ length: 12 }, (_, i) => ({ customer_id: `imp-${i}` }));
    const res = await json(
      call('POST', `${api.base}/customers/users/import`, { token: api.token, body: { customers } }),
    );
    expect(res.status).toBeLessThan(300);
    const count = async (arid: string) => {
      let n = 0;
      let after = '';
      for (;;) {
        const page = (await api.deliveries(arid, `?limit=100${after}`)).body;
        n += page.length;
        if (page.length < 100) return n;
        after = `&starting_after=${page.at(-1).id}`;
      }
    };
    expect((await count(a)) + (await count(b))).toBe(200);
    await eventually(
      async () => mock.seen.length,
      (n) => n >= 200,
    );
  });

  it('filters are bounded in size and depth', async () => {
    const api = await automationsApi('T44400005');
    const deep = `$${'.a'.repeat(17)}`;
    const ok = `$${'.a'.repeat(16)}`;
    const make = (filter: unknown) => api.create({ requirement: { ...onAdd, filter }, actions: http(1) });
    expect((await make({ [ok]: ['x'] })).status).toBe(200);
    const tooDeep = await make({ [deep]: ['x'] });
    expect(tooDeep.status).toBe(400);
    // 20 keys of 100 strings of 1,000 characters would be 2 MB to compare per event; 16,384 characters is the cap.
    /** A filter exactly `chars` long as JSON: strings of up to 1,000 characters under one key. */
    const sized = (chars: number) => {
      const parts: string[] = [];
      let left = chars - 10; // {"$.k":[ and ]}
      while (left > 0) {
        const sep = parts.length ? 1 : 0;
        const len = Math.min(1000, left - 2 - sep);
        parts.push('y'.repeat(len));
        left -= len + 2 + sep;
      }
      return { '$.k': parts };
    };
    expect(JSON.stringify(sized(16_384))).toHaveLength(16_384);
    expect((await make(sized(16_384))).status).toBe(200);
    expect((await make(sized(16_385))).status).toBe(400);
    const big = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`$.k${i}`, ['y'.repeat(900)]]));
    const tooBig = await make(big);
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.error.errors.map((e: { field: string }) => e.field)).toEqual(['requirement.filter']);
  });
});
