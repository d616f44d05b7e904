/**
 * Contract: what one customer holds (`/discounts/customers/{customer_id}/...`).
 */
import { describe, expect, it } from 'vitest';
import { dinteroClient, givenDiscount, refOf, tillDiscount } from './dintero';
import { CustomerDiscount, DeletedCustomerDiscount, ErrorBody, expectFields, expectShape } from './schemas';

const CUSTOMER_DISCOUNT = [
  'id',
  'ref_id',
  'name',
  'receipt_text',
  'requirement.purchase_from',
  'reward.type',
  'statistics.stamp',
  'statistics.used',
  'statistics.usage',
  'statistics.amount',
  'statistics.debit_balance',
  'statistics.current_stamp',
];

describe('Dintero contract: a customer’s discounts', () => {
  it('aid_discounts_customer_cid_get: user:discounts reads the discounts visible now, limit 1–100', async () => {
    const admin = await dinteroClient();
    const now = await givenDiscount(admin, tillDiscount(), ['C13db4f63']);
    const wildcard = await givenDiscount(admin, tillDiscount({ name: 'Alle' }), ['*']);
    // Not visible yet: neither visible_from nor purchase_from has come.
    await givenDiscount(
      admin,
      tillDiscount({ requirement: { purchase_from: '2098-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' } }),
      ['C13db4f63'],
    );
    // Visible before it can be used: visible_from has come.
    const teaser = await givenDiscount(
      admin,
      tillDiscount({
        visible_from: '2020-01-01T00:00:00Z',
        requirement: { purchase_from: '2098-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' },
      }),
      ['C13db4f63'],
    );
    const user = await dinteroClient(['user:discounts'], 'C13db4f63');
    const res = await user.get('/discounts/customers/C13db4f63/rules?limit=100');
    expect(res.status).toBe(200);
    for (const d of res.body) {
      expectShape(CustomerDiscount, d);
      expectFields(d, CUSTOMER_DISCOUNT);
    }
    expect(res.body.map((d: { id: string }) => d.id).sort()).toEqual([now, wildcard, teaser].sort());
    expect((await user.get('/discounts/customers/C13db4f63/rules?limit=101')).status).toBe(400);
    const ref = res.body[0].ref_id;
    const page = await user.get(`/discounts/customers/C13db4f63/rules?limit=1&starting_after=${ref}`);
    expect(page.body[0].ref_id).toBe(res.body[1].ref_id);
  });

  it('aid_discounts_customer_cid_get_ref_id: the discount (id) with its ref_id and statistics', async () => {
    const client = await dinteroClient();
    const did = await givenDiscount(client, tillDiscount(), ['C13db4f63']);
    const ref = await refOf(client, 'C13db4f63', did);
    const res = await client.get(`/discounts/customers/C13db4f63/refs/${ref}`);
    expect(res.status).toBe(200);
    expectShape(CustomerDiscount, res.body);
    expectFields(res.body, CUSTOMER_DISCOUNT);
    expect(res.body.id).toBe(did);
    expect(res.body.ref_id).toBe(ref);
  });

  it('aid_discounts_customer_cid_post_ref_id: usage_ref optional; Discount & Statistics & {ref_id}', async () => {
    const client = await dinteroClient();
    const did = await givenDiscount(client, tillDiscount(), ['C13db4f63']);
    const ref = await refOf(client, 'C13db4f63', did);
    const empty = await client.post(`/discounts/customers/C13db4f63/refs/${ref}`, {});
    expect(empty.status).toBe(200);
    expectShape(CustomerDiscount, empty.body);
    const res = await client.post(`/discounts/customers/C13db4f63/refs/${ref}`, {
      usage_ref: {
        ref: 'fe35e8ed-3fd3-4b04-acdd-6f1d7d7ca7c9',
        ref_type: 'receipt_add',
        usage: 1,
        stamp: 4,
        amount: 12000,
      },
    });
    expect(res.status).toBe(200);
    expectShape(CustomerDiscount, res.body);
    expectFields(res.body, CUSTOMER_DISCOUNT);
    expect(res.body.id).toBe(did);
    expect(res.body.ref_id).toBe(ref);
    expect(res.body.statistics).toMatchObject({ usage: 1, used: 1, stamp: 4, amount: 12000 });
  });

  it('aid_discounts_customer_cid_delete_ref_id: the discount with ref_id; deleting again is a 400', async () => {
    const client = await dinteroClient();
    const did = await givenDiscount(client, tillDiscount(), ['C13db4f63']);
    const ref = await refOf(client, 'C13db4f63', did);
    const res = await client.delete(`/discounts/customers/C13db4f63/refs/${ref}`);
    expect(res.status).toBe(200);
    expectShape(DeletedCustomerDiscount, res.body);
    expectFields(res.body, [...CUSTOMER_DISCOUNT, 'debit_balance']);
    expect(res.body.id).toBe(did);
    expect(res.body.ref_id).toBe(ref);
    const again = await client.delete(`/discounts/customers/C13db4f63/refs/${ref}`);
    expect(again.status).toBe(400);
    expectShape(ErrorBody, again.body);
    expect(again.body.error.code).toBe('ref_deleted');
    const read = await client.get(`/discounts/customers/C13db4f63/refs/${ref}`);
    expect(read.status).toBe(400);
    expect(read.body.error.code).toBe('ref_deleted');
  });
});
