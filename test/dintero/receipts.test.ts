/**
 * Contract: available_for_receipt and claims, with receipts shaped like Dintero's Receipt type.
 */
import { describe, expect, it } from 'vitest';
import { dinteroClient, givenDiscount, posReceipt, tillDiscount, type DinteroClient } from './dintero';
import { BonusItem, Claim, DiscountRefs, expectFields, expectShape, Receipt } from './schemas';

const WHOLE_DISCOUNT = [
  'id',
  'name',
  'receipt_text',
  'type',
  'active',
  'private',
  'created_at',
  'created_by',
  'updated_at',
  'requirement.purchase_from',
  'reward.type',
  'limitation',
  'metadata',
  'campaign_id',
  'links',
  'refs',
];

async function claimed(client: DinteroClient, ref: string) {
  await givenDiscount(client, tillDiscount(), ['C13db4f63']);
  const evaluated = await client.post('/discounts/available_for_receipt', posReceipt(ref, 'C13db4f63'));
  const res = await client.post('/discounts/available_for_receipt/claims', {
    ref,
    type: 'pos',
    purchase_at: evaluated.body.purchase_at,
    customer_id: 'C13db4f63',
    discounts: evaluated.body.discounts.map((d: { id: string; refs: Record<string, number>[] }) => ({
      id: d.id,
      refs: d.refs.map(({ id, amount, usage }) => ({ id, amount, usage })),
    })),
  });
  expect(res.status).toBe(200);
  return res.body;
}

describe('Dintero contract: receipts and claims', () => {
  it('aid_discounts_available_for_receipt_post: Receipt with whole DiscountRefs; return lines untouched', async () => {
    const client = await dinteroClient();
    const did = await givenDiscount(
      client,
      tillDiscount({
        campaign_id: 'V101',
        metadata: { is_featured: true },
        links: [{ href: 'https://example.dintero.com/shop', rel: 'webshop' }],
        limitation: { discount_combination: -1 },
      }),
      ['C13db4f63'],
    );
    const returned = {
      id: '175940',
      quantity: -1,
      gross_amount: -19900,
      net_amount: -19900,
      unit_gross_price: 19900,
      line_id: 3,
      is_return_item: true,
      eligible_for_discount: true,
      // A line the POS already discounted, without an amount: Dintero's DiscountItem makes it optional.
      discount_lines: [{ discount_type: 'manual', description: 'Kundeservice', line_id: 1 }],
      bonus_lines: [{ bonus: 500, discount_type: 'loyalty', line_id: 1 }],
    };
    const receipt = posReceipt('714118', 'C13db4f63');
    const sent = { ...receipt, gross_amount: 39900, net_amount: 39900, items: [...receipt.items, returned] };
    const res = await client.post('/discounts/available_for_receipt', sent);
    expect(res.status).toBe(200);
    expectShape(Receipt, res.body);
    expect(res.body.is_changed).toBe(true);
    const [discount] = res.body.discounts;
    expectShape(DiscountRefs, discount);
    expectFields(discount, WHOLE_DISCOUNT);
    expect(discount.id).toBe(did);
    expect(discount.statistics).toBeUndefined();
    for (const ref of discount.refs) {
      expectFields(ref, ['id', 'amount', 'stamp', 'bonus', 'usage', 'items', 'statistics.bonus']);
      expectFields(ref, ['statistics.amount', 'statistics.usage', 'statistics.stamp', 'statistics.debit_balance']);
    }
    // The return line never qualifies and comes back as it was sent.
    expect(res.body.items[2]).toEqual({ ...returned, is_changed: false });
    expect(discount.refs[0].items.map((i: { line_id: number }) => i.line_id)).toEqual([1, 2]);
  });

  it('aid_discounts_available_for_receipt_post: bonus_lines carry bonus (BonusItem), in and out', async () => {
    const client = await dinteroClient();
    const did = await givenDiscount(
      client,
      tillDiscount({ name: 'Bonus 10%', reward: { type: 'discount_percent', value: 10, effect: 'bonus' } }),
      ['C-bonus'],
    );
    const res = await client.post('/discounts/available_for_receipt', posReceipt('714119', 'C-bonus'));
    expect(res.status).toBe(200);
    expectShape(Receipt, res.body);
    const lines = res.body.items.flatMap((i: { bonus_lines: unknown[] }) => i.bonus_lines);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expectShape(BonusItem, line);
      expectFields(line, ['bonus', 'discount_type', 'discount_id', 'description', 'line_id']);
      expect(line).not.toHaveProperty('amount');
    }
    expect(lines.map((l: { bonus: number }) => l.bonus)).toEqual([3980, 2000]);
    const [discount] = res.body.discounts;
    expect(discount.id).toBe(did);
    expect(discount.refs[0]).toMatchObject({ amount: 0, bonus: 5980 });
    expect(discount.refs[0].statistics.bonus).toBe(0);

    // Claimed with the refs as answered, the bonus counts on the ref from then on.
    const claim = await client.post('/discounts/available_for_receipt/claims', {
      purchase_at: res.body.purchase_at,
      customer_id: 'C-bonus',
      discounts: [{ id: did, refs: discount.refs }],
    });
    expect(claim.status).toBe(200);
    const again = await client.post('/discounts/available_for_receipt', posReceipt('714122', 'C-bonus'));
    expect(again.body.discounts[0].refs[0].statistics.bonus).toBe(5980);
    const held = await client.get(`/discounts/customers/C-bonus/refs/${discount.refs[0].id}`);
    expect(held.body.statistics.bonus).toBe(5980);
    await client.delete(`/discounts/available_for_receipt/claims/${claim.body.id}`);
    expect((await client.get(`/discounts/customers/C-bonus/refs/${discount.refs[0].id}`)).body.statistics.bonus).toBe(
      0,
    );
  });

  it('aid_discounts_available_for_receipt_post_claim: Claim', async () => {
    const client = await dinteroClient();
    const claim = await claimed(client, 'transactionid1');
    expectShape(Claim, claim);
    expectFields(claim, ['id', 'created_at', 'created_by', 'updated_at', 'ref', 'type', 'purchase_at', 'customer_id']);
    expectFields(claim, ['discounts.0.id', 'discounts.0.refs.0.id', 'discounts.0.refs.0.amount']);
    expectFields(claim, ['discounts.0.refs.0.usage']);
  });

  it('aid_discounts_available_for_receipt_get_claims: Claim[] filtered by ref and customer_id', async () => {
    const client = await dinteroClient();
    const claim = await claimed(client, 'transactionid2');
    const res = await client.get('/discounts/available_for_receipt/claims?ref=transactionid2&customer_id=C13db4f63');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expectShape(Claim, res.body[0]);
    expect(res.body[0].id).toBe(claim.id);
  });

  it('aid_discounts_available_for_receipt_get_claim: Claim', async () => {
    const client = await dinteroClient();
    const claim = await claimed(client, 'transactionid3');
    const res = await client.get(`/discounts/available_for_receipt/claims/${claim.id}`);
    expect(res.status).toBe(200);
    expectShape(Claim, res.body);
    expect(res.body).toEqual(claim);
  });

  it('aid_discounts_available_for_receipt_delete_claim: Claim, released', async () => {
    const client = await dinteroClient();
    const claim = await claimed(client, 'transactionid4');
    const res = await client.delete(`/discounts/available_for_receipt/claims/${claim.id}`);
    expect(res.status).toBe(200);
    expectShape(Claim, res.body);
    expectFields(res.body, ['id', 'purchase_at', 'customer_id', 'discounts', 'deleted_at', 'deleted_by']);
  });
});
