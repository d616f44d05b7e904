/**
 * Contract: giving a discount to customers, taking it back, and its usages.
 */
import { describe, expect, it } from 'vitest';
import { dinteroClient, givenDiscount, posReceipt, refOf, tillDiscount } from './dintero';
import { DiscountCustomerRef, DiscountUsage, DiscountWithStatistics, expectFields, expectShape } from './schemas';

const DISCOUNT = ['id', 'requirement.purchase_from', 'reward.type', 'name', 'statistics.usage', 'statistics.amount'];

describe('Dintero contract: discount customers (refs) and usages', () => {
  it('aid_discounts_did_customers_post: Statistics & Discount', async () => {
    const client = await dinteroClient();
    const created = await client.post('/discounts/rules', tillDiscount());
    const res = await client.post(`/discounts/rules/${created.body.id}/customers`, {
      offering_constraint_id: 'stamp-2020',
      customers: ['C13db4f63', '*', '/'],
    });
    expect(res.status).toBe(200);
    expectShape(DiscountWithStatistics, res.body);
    expectFields(res.body, DISCOUNT);
    expect(res.body.id).toBe(created.body.id);
  });

  it('aid_discounts_did_customers_get: refs, customer_id null for * and /', async () => {
    const client = await dinteroClient();
    const did = await givenDiscount(client, tillDiscount(), ['C13db4f63', '*']);
    const res = await client.get(`/discounts/rules/${did}/customers?state=all&limit=1000`);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    for (const ref of res.body) {
      expectShape(DiscountCustomerRef, ref);
      expectFields(ref, ['id', 'created_at', 'created_by', 'updated_at']);
    }
    expect(res.body.map((r: { customer_id: string | null }) => r.customer_id)).toEqual(['C13db4f63', null]);
  });

  it('aid_discounts_did_customers_delete: Statistics & Discount', async () => {
    const client = await dinteroClient();
    const did = await givenDiscount(client, tillDiscount(), ['C13db4f63', 'C2']);
    const res = await client.delete(`/discounts/rules/${did}/customers`, { customers: ['C13db4f63'] });
    expect(res.status).toBe(200);
    expectShape(DiscountWithStatistics, res.body);
    expectFields(res.body, DISCOUNT);
    expect(res.body.id).toBe(did);
    const left = await client.get(`/discounts/rules/${did}/customers?state=available`);
    expect(left.body.map((r: { customer_id: string }) => r.customer_id)).toEqual(['C2']);
  });

  it('aid_discounts_did_usages_get: DiscountUsage[], one per ref, with its usage_refs', async () => {
    const client = await dinteroClient();
    const did = await givenDiscount(client, tillDiscount(), ['C13db4f63', 'C2']);
    const ref = await refOf(client, 'C13db4f63', did);
    const evaluated = await client.post('/discounts/available_for_receipt', posReceipt('714118', 'C13db4f63'));
    const discount = evaluated.body.discounts.find((d: { id: string }) => d.id === did);
    const claim = await client.post('/discounts/available_for_receipt/claims', {
      ref: 'transactionid1',
      type: 'pos',
      purchase_at: evaluated.body.purchase_at,
      customer_id: 'C13db4f63',
      discounts: [
        {
          id: discount.id,
          refs: discount.refs.map(({ id, amount, usage }: Record<string, number>) => ({ id, amount, usage })),
        },
      ],
    });
    expect(claim.status).toBe(200);
    expect(
      (
        await client.post(`/discounts/customers/C13db4f63/refs/${ref}`, {
          usage_ref: { ref: 'fe35e8ed-3fd3-4b04-acdd-6f1d7d7ca7c9', ref_type: 'receipt_add', stamp: 4 },
        })
      ).status,
    ).toBe(200);

    const res = await client.get(`/discounts/rules/${did}/usages?limit=1000`);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    for (const usage of res.body) {
      expectShape(DiscountUsage, usage);
      expectFields(usage, ['id', 'ref_id', 'discount_id', 'customer_id', 'create_at', 'updated_at', 'created_by']);
      expectFields(usage, ['usage_refs', 'statistics.usage', 'statistics.amount', 'statistics.stamp']);
    }
    const used = res.body.find((u: { ref_id: string }) => u.ref_id === ref);
    expect(used.discount_id).toBe(did);
    expect(used.customer_id).toBe('C13db4f63');
    expect(used.usage_refs).toHaveLength(2);
    for (const u of used.usage_refs) expectFields(u, ['ref', 'ref_type', 'usage', 'stamp', 'amount', 'created_at']);
    expect(used.statistics).toMatchObject({ usage: 1, amount: 5980, stamp: 4 });
    // Paged by ref.
    const first = await client.get(`/discounts/rules/${did}/usages?limit=1`);
    const next = await client.get(`/discounts/rules/${did}/usages?limit=1&starting_after=${first.body[0].ref_id}`);
    expect([first.body[0].ref_id, next.body[0].ref_id].sort()).toEqual(
      res.body.map((u: { ref_id: string }) => u.ref_id).sort(),
    );
  });
});
