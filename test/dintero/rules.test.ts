/**
 * Contract: Dintero's discount rule operations, called as a Dintero client calls them.
 */
import { describe, expect, it } from 'vitest';
import { dinteroClient, seedDiscount, tillDiscount } from './dintero';
import { Discount, DiscountWithStatistics, ErrorBody, expectFields, expectShape } from './schemas';

const STATISTICS = ['statistics.stamp', 'statistics.used', 'statistics.usage', 'statistics.amount'];
const DISCOUNT_FIELDS = [
  'id',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'active',
  'private',
  'type',
  'name',
  'receipt_text',
  'requirement.purchase_from',
  'requirement.purchase_to',
  'reward.type',
  'reward.value',
];

describe('Dintero contract: discount rules', () => {
  it('aid_discounts_post: seed 001 body, answered as a Discount', async () => {
    const client = await dinteroClient();
    const res = await client.post('/discounts/rules', seedDiscount());
    expect(res.status).toBe(200);
    expectShape(Discount, res.body);
    expectFields(res.body, [
      ...DISCOUNT_FIELDS,
      'campaign_id',
      'visible_from',
      'description',
      'limitation.discount_hours.hours',
      'limitation.dynamic_purchase_to_days',
      'requirement.customer.company.bussiness_name',
      'requirement.store.mcc',
      'requirement.store.mcc_ranges',
      'metadata',
      'links',
    ]);
    expect(res.body.requirement.store.mcc).toEqual([5814]);
    expect(res.body.id).not.toBe(seedDiscount().id);
  });

  it("aid_discounts_post: what Dintero's types allow (mcc strings, links without rel, H:MM, midnight)", async () => {
    const client = await dinteroClient();
    const body = tillDiscount({
      requirement: {
        purchase_from: '2020-01-01T00:00:00Z',
        purchase_to: '2099-12-31T23:59:59Z',
        item: { items: [{}] },
        store: { mcc: ['5814', 5815], mcc_ranges: [{ start: '5811', end: '5815' }] },
      },
      limitation: {
        discount_hours: {
          hours: [
            { day: 'fri', start: '9:00', end: '17:30' },
            { day: 'sat', start: '22:00', end: '02:00' },
          ],
        },
        discount_repeat_usage: 0,
        discount_reward_usage: 0,
      },
      links: [{ href: 'https://example.dintero.com/shop' }],
    });
    const res = await client.post('/discounts/rules', body);
    expect(res.status).toBe(200);
    expectShape(Discount, res.body);
    expect(res.body.requirement.store).toEqual({ mcc: ['5814', 5815], mcc_ranges: [{ start: '5811', end: '5815' }] });
    expect(res.body.limitation.discount_hours.hours[1]).toEqual({ day: 'sat', start: '22:00', end: '02:00' });
    expect(res.body.limitation.discount_repeat_usage).toBe(0);
    expect(res.body.links).toEqual([{ href: 'https://example.dintero.com/shop' }]);
    // `{}` is a wildcard item (Dintero's Item has no required key): the rule stays a receipt rule.
    expect(res.body.type).toBe('receipt');
  });

  it('aid_discounts_post: an empty item is refused only where Dintero forbids it (reward.values, mixes)', async () => {
    const client = await dinteroClient();
    const values = await client.post(
      '/discounts/rules',
      tillDiscount({
        requirement: {
          purchase_from: '2020-01-01T00:00:00Z',
          purchase_to: '2099-12-31T23:59:59Z',
          item: { items: [{ id: 'a' }] },
        },
        reward: { type: 'discount_amount', value: 100, values: [{ items: [{}], value: 50 }] },
      }),
    );
    expect(values.status).toBe(400);
    expectShape(ErrorBody, values.body);
    expect(values.body.error.errors.map((e: { field: string }) => e.field)).toEqual(['reward.values.0.items.0']);
    const mixes = await client.post(
      '/discounts/rules',
      tillDiscount({
        requirement: {
          purchase_from: '2020-01-01T00:00:00Z',
          purchase_to: '2099-12-31T23:59:59Z',
          item: { mixes: [{ quantity: 1, reward_eligible: true, items: [{ id: '*' }] }] },
        },
      }),
    );
    expect(mixes.status).toBe(400);
    expect(mixes.body.error.errors.map((e: { field: string }) => e.field)).toEqual([
      'requirement.item.mixes.0.items.0',
    ]);
  });

  it('aid_discounts_get: a list of Discount & Statistics', async () => {
    const client = await dinteroClient();
    expect((await client.post('/discounts/rules', seedDiscount())).status).toBe(200);
    const res = await client.get('/discounts/rules?state=all&include=statistics&limit=100');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body.length).toBeGreaterThan(0);
    for (const d of res.body) {
      expectShape(DiscountWithStatistics, d);
      expectFields(d, [...DISCOUNT_FIELDS, ...STATISTICS]);
    }
  });

  it('aid_discounts_did_get: the discount, with statistics without being asked', async () => {
    const client = await dinteroClient();
    const created = await client.post('/discounts/rules', tillDiscount());
    const res = await client.get(`/discounts/rules/${created.body.id}`);
    expect(res.status).toBe(200);
    expectShape(DiscountWithStatistics, res.body);
    expectFields(res.body, [...DISCOUNT_FIELDS, ...STATISTICS, 'statistics.debit_balance']);
    // include=statistics stays accepted (and changes nothing).
    const asked = await client.get(`/discounts/rules/${created.body.id}?include=statistics`);
    expect(asked.body).toEqual(res.body);
  });

  it('aid_discounts_did_put: the documented update body, answered as Discount & Statistics', async () => {
    const client = await dinteroClient();
    const created = await client.post('/discounts/rules', seedDiscount());
    const res = await client.put(`/discounts/rules/${created.body.id}`, {
      campaign_id: null,
      active: true,
      private: false,
      links: [{ href: 'https://example.dintero.com/shop', rel: 'webshop' }],
      limitation: { discount_reward_usage: 2 },
      requirement: { purchase_to: '2100-01-01T00:00:00Z' },
      description: 'Gjør et Stablestol kupp!',
      metadata: { campaign_id: 'V101', is_featured: true },
      name: 'Spar 100,-',
      receipt_text: 'Mai Salg',
    });
    expect(res.status).toBe(200);
    expectShape(DiscountWithStatistics, res.body);
    expectFields(res.body, [...DISCOUNT_FIELDS, ...STATISTICS]);
    expect(res.body.campaign_id).toBeUndefined();
    expect(res.body.requirement.purchase_to).toBe('2100-01-01T00:00:00Z');
  });

  it('aid_discounts_did_delete: Statistics & Discount, with deleted_at and deleted_by', async () => {
    const client = await dinteroClient();
    const created = await client.post('/discounts/rules', tillDiscount());
    const res = await client.delete(`/discounts/rules/${created.body.id}`);
    expect(res.status).toBe(200);
    expectShape(DiscountWithStatistics, res.body);
    expectFields(res.body, [...DISCOUNT_FIELDS, ...STATISTICS, 'deleted_at', 'deleted_by']);
  });
});
