import { afterEach, describe, expect, it } from 'vitest';
import { call, json, tokenWith } from '../helpers';
import { automationsApi, eventually, receipt, receiver, WINDOW } from './helpers';

let restore = () => {};
afterEach(() => restore());

const http = (extra: Record<string, unknown> = {}) => ({
  type: 'http',
  url: 'https://crm.example.com/hooks/all',
  method: 'POST',
  ...extra,
});
const every = ['customer_add', 'token_add', 'receipt_add'];

/** The bodies the receiver got, parsed, once `n` calls arrived. */
async function bodies(seen: { body: string }[], n: number) {
  await eventually(
    async () => seen.length,
    (len) => len >= n,
  );
  return seen.map((s) => JSON.parse(s.body));
}

describe('automations act with their author’s authority (issue 21, High 1)', () => {
  it('a discount action needs the scope that gives rules to customers; 403 names the action', async () => {
    const api = await automationsApi('T44300001');
    const did = await api.rule();
    const body = { requirement: { events: ['customer_add'], ...WINDOW }, actions: [{ type: 'discount', id: did }] };
    const onlyAutomations = await tokenWith(['write:automations', 'read:customers'], api.aid, 'auto-only');
    const refused = await api.create(body, onlyAutomations);
    expect(refused.status).toBe(403);
    expect(refused.body.error.errors.map((e: { field: string }) => e.field)).toEqual(['actions.0.id']);
    const readDiscounts = await tokenWith(['write:automations', 'read:discounts'], api.aid, 'auto-read');
    expect((await api.create(body, readDiscounts)).status).toBe(403);
    // write:discounts (what POST /discounts/rules/{did}/customers needs) is enough.
    const giver = await tokenWith(['write:automations', 'write:discounts'], api.aid, 'giver');
    const created = await api.create(body, giver);
    expect(created.status).toBe(200);
    expect(created.body.created_by).toBe('giver');
  });

  it('refs an automation gives name the automation, not the client that sent the event', async () => {
    const api = await automationsApi('T44300002');
    const did = await api.rule();
    const arid = await api.automation({
      requirement: { events: ['customer_add'], ...WINDOW },
      actions: [{ type: 'discount', id: did }],
    });
    expect((await api.customer({ customer_id: 'nora' })).status).toBeLessThan(300);
    const refs = await json(call('GET', `${api.base}/discounts/rules/${did}/customers`, { token: api.token }));
    expect(refs.body.map((r: { created_by: string }) => r.created_by)).toEqual([`automation:${arid}`]);
  });

  it('an HTTP action carries only what its author may read, from the documented allow-list', async () => {
    const api = await automationsApi('T44300003');
    const mock = receiver(() => new Response(null, { status: 204 }));
    restore = mock.restore;
    const author = await tokenWith(['write:automations'], api.aid, 'blind-author');
    const made = await api.create(
      {
        requirement: { events: every, ...WINDOW },
        limitation: { automation_repeat: -1 },
        actions: [http(), http({ body: { email: '$.email', items: '$.items', id: '$.customer_id' } })],
      },
      author,
    );
    expect(made.status).toBe(200);
    await api.customer({ customer_id: 'kari', email: 'kari@example.com', phone_number: '+4791234567' });
    const token = { token: { token_id: 'card-1', type: 'member_card', value: '7080001234567', customer_id: 'kari' } };
    expect((await api.event('token_add', token)).status).toBe(204);
    expect((await api.event('receipt_add', receipt('r-1', 'kari'))).status).toBe(204);
    const seen = await bodies(mock.seen, 6);
    const text = JSON.stringify(seen);
    for (const secret of ['kari', '7080001234567', 'r-1', '+4791234567', 'sc029']) expect(text).not.toContain(secret);
    expect(seen).toContainEqual({ event: 'customer_add', customer: {} });
    expect(seen).toContainEqual({ event: 'receipt_add', receipt: {} });
    expect(seen).toContainEqual({ email: null, items: null, id: null });
  });

  it('customer read scope shows customers and tokens; receipt read scope shows receipts but not whose', async () => {
    const api = await automationsApi('T44300004');
    const mock = receiver(() => new Response(null, { status: 204 }));
    restore = mock.restore;
    const customers = await tokenWith(['write:automations', 'read:customers'], api.aid, 'crm');
    const receipts = await tokenWith(['write:automations', 'read:discounts'], api.aid, 'bi');
    const automation = { requirement: { events: every, ...WINDOW }, limitation: { automation_repeat: -1 } };
    expect(
      (await api.create({ ...automation, actions: [http({ url: 'https://crm.example.com/c' })] }, customers)).status,
    ).toBe(200);
    expect(
      (await api.create({ ...automation, actions: [http({ url: 'https://bi.example.com/r' })] }, receipts)).status,
    ).toBe(200);
    await api.customer({ customer_id: 'ola', email: 'ola@example.com', metadata: { crm: 'x' } });
    await api.event('receipt_add', receipt('r-2', 'ola', { unknown_field: 'not on the list', currency: 'NOK' }));
    await bodies(mock.seen, 4);
    const to = (host: string, event: string) =>
      mock.seen
        .filter((s) => s.url.includes(host))
        .map((s) => JSON.parse(s.body))
        .find((b) => b.event === event);
    expect(to('crm.', 'customer_add').customer).toMatchObject({ customer_id: 'ola', email: 'ola@example.com' });
    expect(to('crm.', 'receipt_add').receipt).toEqual({ customer_id: 'ola' });
    expect(to('bi.', 'customer_add').customer).toEqual({});
    const seenByBi = to('bi.', 'receipt_add').receipt;
    expect(seenByBi).toMatchObject({ receipt_id: 'r-2', store: { id: 'sc029' }, gross_amount: 1000, currency: 'NOK' });
    expect(seenByBi.customer_id).toBeUndefined();
    // Fields outside the allow-list never leave, whoever the author is.
    expect(JSON.stringify(mock.seen.map((s) => s.body))).not.toContain('not on the list');
  });

  it('filters read only what the author may read', async () => {
    const api = await automationsApi('T44300005');
    const did = await api.rule();
    const giver = await tokenWith(['write:automations', 'write:discounts'], api.aid, 'giver');
    const filtered = {
      requirement: { events: ['customer_add'], ...WINDOW, filter: { '$.email': [{ 'anything-but': 'x' }] } },
      actions: [{ type: 'discount', id: did }],
    };
    expect((await api.create(filtered, giver)).status).toBe(200);
    await api.customer({ customer_id: 'siri', email: 'siri@example.com' });
    expect(await api.holders(did)).toEqual([]);
  });

  it('when the author client is revoked, its automations stop', async () => {
    const api = await automationsApi('T44300006');
    const did = await api.rule();
    const scopes = ['write:automations', 'write:discounts'];
    const client = await json(
      call('POST', `${api.base}/auth/clients`, { token: api.token, body: { name: 'campaign tool', scopes } }),
    );
    expect(client.status).toBe(200);
    const author = await tokenWith(scopes as never, api.aid, client.body.client_id);
    const body = { requirement: { events: ['customer_add'], ...WINDOW }, actions: [{ type: 'discount', id: did }] };
    expect((await api.create(body, author)).status).toBe(200);
    await api.customer({ customer_id: 'before' });
    expect(await api.holders(did)).toEqual(['before']);
    const revoked = await json(
      call('DELETE', `${api.base}/auth/clients/${client.body.client_id}`, { token: api.token }),
    );
    expect(revoked.status).toBe(200);
    await api.customer({ customer_id: 'after' });
    expect(await api.holders(did)).toEqual(['before']);
  });
});
