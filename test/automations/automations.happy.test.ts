import { describe, expect, it } from 'vitest';
import { call, json } from '../helpers';
import { automationsApi, receipt, WINDOW } from './helpers';

describe('automations: create, read, list, delete', () => {
  it("answers Dintero's Automation with defaults, and soft-deletes", async () => {
    const api = await automationsApi('T44000001');
    const did = await api.rule();
    const created = await api.create({
      name: 'purchase at store sc029',
      requirement: { events: ['receipt_add'], ...WINDOW, filters: { '$.store.id': ['sc029'] } },
      actions: [{ type: 'discount', id: did }],
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      name: 'purchase at store sc029',
      // Dintero's examples spell it `filters`; it is kept as `filter`, Dintero's type's name.
      requirement: { events: ['receipt_add'], filter: { '$.store.id': ['sc029'] } },
      limitation: { automation_repeat: 1 },
      actions: [{ type: 'discount', id: did }],
      created_by: 'test-client',
    });
    expect(created.body.requirement.filters).toBeUndefined();
    const id = created.body.id;
    expect((await api.get(id)).body).toEqual(created.body);

    const other = await api.automation({
      requirement: { events: ['customer_add'], ...WINDOW },
      actions: [{ type: 'discount', id: did }],
    });
    expect((await api.list()).body.map((a: { id: string }) => a.id)).toEqual([id, other]);
    expect((await api.list(`?limit=1&starting_after=${id}`)).body.map((a: { id: string }) => a.id)).toEqual([other]);

    const deleted = await api.remove(id);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id, deleted_by: 'test-client' });
    expect((await api.remove(id)).body).toEqual(deleted.body);
    expect((await api.list('?state=deleted')).body.map((a: { id: string }) => a.id)).toEqual([id]);
    expect((await api.list('?state=available')).body.map((a: { id: string }) => a.id)).toEqual([other]);
  });

  it('deleting a discount deletes the automations that give it', async () => {
    const api = await automationsApi('T44000002');
    const did = await api.rule();
    const keep = await api.rule({ name: 'kept' });
    const gone = await api.automation({
      requirement: { events: ['customer_add'], ...WINDOW },
      actions: [{ type: 'discount', id: did }],
    });
    const kept = await api.automation({
      requirement: { events: ['customer_add'], ...WINDOW },
      actions: [{ type: 'discount', id: keep }],
    });
    expect((await json(call('DELETE', `${api.base}/discounts/rules/${did}`, { token: api.token }))).status).toBe(200);
    expect((await api.get(gone)).body.deleted_at).toBeDefined();
    expect((await api.get(kept)).body.deleted_at).toBeUndefined();
    // And it no longer acts.
    await api.customer({ customer_id: 'after-delete' });
    expect(await api.holders(keep)).toEqual(['after-delete']);
  });
});

describe('automations giving discounts', () => {
  it('welcome discount: customer_add from the customers API gives the rule to the new customer', async () => {
    const api = await automationsApi('T44000003');
    const did = await api.rule();
    await api.automation({
      requirement: { events: ['customer_add'], ...WINDOW },
      actions: [{ type: 'discount', id: did }],
    });
    expect((await api.customer({ customer_id: 'kari', email: 'kari@example.com' })).status).toBe(200);
    expect((await api.customer({ customer_id: 'ola' })).status).toBe(200);
    expect(await api.holders(did)).toEqual(['kari', 'ola']);
    // The ref is what POST /discounts/rules/{did}/customers makes: the discount is offered.
    const offer = await json(
      call('POST', `${api.base}/discounts/available_for_receipt`, { token: api.token, body: receipt('w-1', 'kari') }),
    );
    expect(offer.body.discounts.map((d: { id: string }) => d.id)).toEqual([did]);
    // An update is not an add; a customer_update automation reacts to it instead.
    const updated = await api.rule({ name: 'on update' });
    await api.automation({
      requirement: { events: ['customer_update'], ...WINDOW },
      actions: [{ type: 'discount', id: updated }],
    });
    await json(call('PUT', `${api.base}/customers/users/kari`, { token: api.token, body: { first_name: 'Kari' } }));
    expect(await api.holders(updated)).toEqual(['kari']);
    expect(await api.holders(did)).toEqual(['kari', 'ola']);
  });

  it('purchase discount: receipt_add filtered by $.store.id, in both event shapes', async () => {
    const api = await automationsApi('T44000004');
    const did = await api.rule();
    await api.automation({
      requirement: { events: ['receipt_add'], ...WINDOW, filters: { '$.store.id': ['sc029'] } },
      actions: [{ type: 'discount', id: did }],
    });
    expect((await api.event('receipt_add', receipt('p-1', 'elsewhere', { store: { id: 'sc030' } }))).status).toBe(204);
    expect((await api.event('receipt_add', { receipt: receipt('p-2', 'buyer') })).status).toBe(204);
    expect((await api.event('receipt_add', receipt('p-3', 'bare-buyer'))).status).toBe(204);
    expect(await api.holders(did)).toEqual(['bare-buyer', 'buyer']);
  });

  it('anything-but and numeric filters', async () => {
    const api = await automationsApi('T44000005');
    const small = await api.rule({ name: 'small baskets, not staff' });
    await api.automation({
      requirement: {
        events: ['receipt_add'],
        ...WINDOW,
        filter: {
          '$.gross_amount': [{ numeric: ['>', 0, '<=', 1500] }],
          '$.customer_id': [{ 'anything-but': ['staff-1', 'staff-2'] }],
        },
      },
      actions: [{ type: 'discount', id: small }],
      limitation: { automation_repeat: -1 },
    });
    const send = (id: string, customer: string, gross: number) =>
      api.event('receipt_add', receipt(id, customer, { gross_amount: gross }));
    await send('n-1', 'anna', 1500); // matches: 0 < 1500 <= 1500
    await send('n-2', 'berit', 1501); // too large
    await send('n-3', 'staff-1', 1000); // excluded customer
    await send('n-4', 'carl', 1); // matches
    expect(await api.holders(small)).toEqual(['anna', 'carl']);

    // A path that reaches a list matches when any element does (Dintero's `$.addresses[*].postal_code`).
    const local = await api.rule({ name: 'local' });
    await api.automation({
      requirement: { events: ['customer_add'], ...WINDOW, filter: { '$.addresses[*].postal_code': ['0342', '6901'] } },
      actions: [{ type: 'discount', id: local }],
    });
    await api.customer({ customer_id: 'near', addresses: [{ postal_code: '9999' }, { postal_code: '6901' }] });
    await api.customer({ customer_id: 'far', addresses: [{ postal_code: '9999' }] });
    await api.customer({ customer_id: 'nowhere' });
    expect(await api.holders(local)).toEqual(['near']);
  });

  it('automation_repeat 1 gives once per customer, -1 every time', async () => {
    const api = await automationsApi('T44000006');
    const once = await api.rule({ name: 'once' });
    const always = await api.rule({ name: 'always' });
    await api.automation({
      requirement: { events: ['receipt_add'], ...WINDOW },
      actions: [{ type: 'discount', id: once }],
    });
    await api.automation({
      requirement: { events: ['receipt_add'], ...WINDOW },
      actions: [{ type: 'discount', id: always }],
      limitation: { automation_repeat: -1 },
    });
    for (const id of ['r-1', 'r-2', 'r-3'])
      expect((await api.event('receipt_add', receipt(id, 'dina'))).status).toBe(204);
    expect((await api.event('receipt_add', receipt('r-4', 'erik'))).status).toBe(204);
    expect(await api.holders(once)).toEqual(['dina', 'erik']);
    expect(await api.holders(always)).toEqual(['dina', 'dina', 'dina', 'erik']);
  });

  it('the same event delivered twice gives once, also in parallel', async () => {
    const api = await automationsApi('T44000007');
    const did = await api.rule();
    await api.automation({
      requirement: { events: ['token_add'], ...WINDOW },
      actions: [{ type: 'discount', id: did }],
      limitation: { automation_repeat: -1 },
    });
    expect((await api.customer({ customer_id: 'frida' })).status).toBe(200);
    const token = (value: string) => ({ token: { type: 'member_card', value, customer_id: 'frida' } });
    // Same body, no event-delivery header: the body is the event's identity.
    expect((await api.event('token_add', token('111'))).status).toBe(204);
    expect((await api.event('token_add', token('111'))).status).toBe(204);
    expect(await api.holders(did)).toEqual(['frida']);
    // Dintero's event-delivery header names the event: ten parallel resends act once.
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => api.event('token_add', token('222'), { 'event-delivery': 'delivery-222' })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(204));
    expect(await api.holders(did)).toEqual(['frida', 'frida']);
    // A receipt resent (wrapped or bare) is the same receipt.
    const receiptAuto = await api.rule({ name: 'receipts' });
    await api.automation({
      requirement: { events: ['receipt_add'], ...WINDOW },
      actions: [{ type: 'discount', id: receiptAuto }],
      limitation: { automation_repeat: -1 },
    });
    const r = receipt('twice', 'frida');
    await Promise.all([
      api.event('receipt_add', r),
      api.event('receipt_add', { receipt: r }),
      api.event('receipt_add', r),
    ]);
    expect(await api.holders(receiptAuto)).toEqual(['frida']);
  });
});
