/**
 * Contract: campaigns and the public discount list.
 */
import { describe, expect, it } from 'vitest';
import { dinteroClient, givenDiscount, seedDiscount, tillDiscount } from './dintero';
import { Campaign, expectFields, expectShape, PublicDiscount } from './schemas';

const CAMPAIGN = ['id', 'campaign_id', 'name', 'description', 'private', 'metadata', 'created_at', 'created_by'];

describe('Dintero contract: campaigns', () => {
  it('aid_discounts_campaigns_post: Campaign', async () => {
    const client = await dinteroClient();
    const res = await client.post('/discounts/campaigns', {
      campaign_id: 'V101',
      name: 'Sommer',
      description: 'Sommersalg',
      private: false,
      metadata: { sponsor: 'Solo', is_featured: true },
    });
    expect(res.status).toBe(200);
    expectShape(Campaign, res.body);
    expectFields(res.body, CAMPAIGN);
  });

  it('aid_discounts_campaigns_get: Campaign[]', async () => {
    const client = await dinteroClient();
    await client.post('/discounts/campaigns', { campaign_id: 'V102', name: 'Vinter' });
    const res = await client.get('/discounts/campaigns?state=all&limit=100');
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThan(0);
    for (const c of res.body) expectShape(Campaign, c);
  });

  it('aid_discounts_campaigns_campaign_id_get: Campaign', async () => {
    const client = await dinteroClient();
    await client.post('/discounts/campaigns', { campaign_id: 'V103', name: 'Høst' });
    const res = await client.get('/discounts/campaigns/V103');
    expect(res.status).toBe(200);
    expectShape(Campaign, res.body);
    expectFields(res.body, ['id', 'campaign_id', 'name']);
  });

  it('aid_discounts_campaigns_campaign_id_put: Campaign', async () => {
    const client = await dinteroClient();
    await client.post('/discounts/campaigns', { campaign_id: 'V104', name: 'Vår' });
    const res = await client.put('/discounts/campaigns/V104', { name: 'Vår 2', description: 'Ny', private: true });
    expect(res.status).toBe(200);
    expectShape(Campaign, res.body);
    expect(res.body).toMatchObject({ name: 'Vår 2', description: 'Ny', private: true });
  });

  it('aid_discounts_campaigns_campaign_id_delete: Campaign', async () => {
    const client = await dinteroClient();
    await client.post('/discounts/campaigns', { campaign_id: 'V105', name: 'Jul' });
    const res = await client.delete('/discounts/campaigns/V105');
    expect(res.status).toBe(200);
    expectShape(Campaign, res.body);
    expectFields(res.body, ['id', 'campaign_id', 'name', 'deleted_at', 'deleted_by']);
  });

  it('aid_discounts_public_get: (Discount & {ref_id})[] for public:discounts', async () => {
    const admin = await dinteroClient();
    const did = await givenDiscount(admin, tillDiscount({ description: 'Gjør et Stablestol kupp!' }), ['*']);
    await givenDiscount(admin, seedDiscount({ campaign_id: undefined }), ['/']);
    const client = await dinteroClient(['public:discounts']);
    const res = await client.get('/discounts/public/rules?limit=100');
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(2);
    for (const d of res.body) {
      expectShape(PublicDiscount, d);
      expectFields(d, ['id', 'ref_id', 'name', 'receipt_text', 'type', 'requirement.purchase_from', 'reward.type']);
    }
    expect(res.body[0].id).toBe(did);
    const anonymousOnly = await client.get('/discounts/public/rules?no_customer_id=true');
    expect(anonymousOnly.body).toHaveLength(1);
  });
});
