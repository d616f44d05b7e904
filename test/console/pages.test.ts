import { describe, expect, it } from 'vitest';
import { AID, call, json, tokenWith } from '../helpers';
import { ConsoleClient } from './helpers';

const V1 = `/v1/accounts/${AID}`;
const ruleForm = (overrides: Record<string, string> = {}) => ({
  name: 'Spar 100,-',
  receipt_text: 'Spar 100',
  active: 'true',
  private: 'false',
  'requirement.purchase_from': '2020-01-01T00:00:00Z',
  'requirement.purchase_to': '2099-01-01T00:00:00Z',
  'requirement.gross_amount': '50000',
  'reward.type': 'discount_amount',
  'reward.value': '10000',
  ...overrides,
});
const receipt = (amount: string) => ({
  purchase_at: '2026-06-01T12:00:00Z',
  customer_id: 'member-1',
  store_id: 'sc029',
  currency: 'NOK',
  'items.0.id': 'coffee',
  'items.0.quantity': '1',
  'items.0.gross_amount': amount,
});

async function signedIn() {
  const browser = new ConsoleClient();
  await browser.signIn();
  return browser;
}

describe('console pages', () => {
  it('shows the API field error next to its input, then creates, gives and simulates the rule', async () => {
    const browser = await signedIn();
    const bad = await browser.post('/console/rules', ruleForm({ 'reward.value': '-5' }));
    expect(bad.status).toBe(400);
    const page = await bad.text();
    // The input keeps what was typed and carries the API's message right below it.
    expect(page).toMatch(/id="f-reward-value"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="f-reward-value"/);
    expect(page).toContain('id="f-reward-value-error"');
    expect(page).toContain('value="-5"');

    const created = await browser.post('/console/rules', ruleForm());
    expect(created.status).toBe(303);
    const ruleId = created.headers.get('location')!.match(/rules\/([0-9a-f-]{36})/)![1]!;
    const token = await tokenWith();
    const stored = await json(call('GET', `${V1}/discounts/rules/${ruleId}`, { token }));
    expect(stored.body).toMatchObject({ name: 'Spar 100,-', requirement: { gross_amount: 50000 } });

    expect((await browser.post(`/console/rules/${ruleId}/customers`, { customers: '*' })).status).toBe(303);
    const refs = await json(call('GET', `${V1}/discounts/rules/${ruleId}/customers`, { token }));
    expect(refs.body.map((r: any) => r.kind)).toEqual(['*']);

    const sim = await (await browser.post('/console/simulate', receipt('60000'))).text();
    expect(sim).toContain('−100,00');
    const prefilled = await (await browser.get(`/console/simulate?rule=${ruleId}`)).text();
    expect(prefilled).toContain(`value="${ruleId}"`);
    expect(prefilled).toContain('value="50000"');
    expect(prefilled).toContain('value="console-customer"');
  });

  it('edits a rule keeping limitation fields the form does not show', async () => {
    const token = await tokenWith();
    const rule = await json(
      call('POST', `${V1}/discounts/rules`, {
        token,
        body: {
          name: 'Lunch',
          requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' },
          reward: { type: 'discount_percent', value: 10 },
          limitation: { discount_hours: { hours: [{ day: 'mon', start: '11:00', end: '13:00' }] } },
        },
      }),
    );
    const browser = await signedIn();
    const edit = await browser.post(`/console/rules/${rule.body.id}`, {
      name: 'Lunch deal',
      'requirement.purchase_to': '2099-06-01T00:00:00Z',
      'limitation.discount_repeat_usage': '3',
    });
    expect(edit.status).toBe(303);
    const after = await json(call('GET', `${V1}/discounts/rules/${rule.body.id}`, { token }));
    expect(after.body.name).toBe('Lunch deal');
    expect(after.body.limitation).toEqual({
      discount_hours: { hours: [{ day: 'mon', start: '11:00', end: '13:00' }] },
      discount_repeat_usage: 3,
    });
    const earlier = await browser.post(`/console/rules/${rule.body.id}`, {
      'requirement.purchase_to': '2030-01-01T00:00:00Z',
    });
    expect(earlier.status).toBe(400);
    expect(await earlier.text()).toContain('purchase_to may only move later');
  });

  it('releases a claim only after the confirm step', async () => {
    const token = await tokenWith();
    const rule = await json(
      call('POST', `${V1}/discounts/rules`, {
        token,
        body: {
          name: 'Claimable',
          requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' },
          reward: { type: 'discount_amount', value: 500 },
        },
      }),
    );
    const [ref] = (
      await json(call('POST', `${V1}/discounts/rules/${rule.body.id}/customers`, { token, body: { customers: ['/'] } }))
    ).body.refs;
    const claim = await json(
      call('POST', `${V1}/discounts/available_for_receipt/claims`, {
        token,
        body: {
          ref: 'till-1',
          purchase_at: new Date().toISOString(),
          discounts: [{ id: rule.body.id, refs: [{ id: ref.id, amount: 500, usage: 1 }] }],
        },
      }),
    );
    const browser = await signedIn();
    // Statistics per day come from the usage ledger: today's bar holds the claim until it is released.
    const today = `${new Date().toISOString().slice(0, 10)}: `;
    const stats = () => browser.get(`/console/statistics?rule=${rule.body.id}`).then((r) => r.text());
    expect(await stats()).toContain(`<title>${today}5,00</title>`);
    expect(await (await browser.get('/console/claims?ref=till-1')).text()).toContain(claim.body.id);
    const confirm = await (await browser.get(`/console/claims/${claim.body.id}/release`)).text();
    expect(confirm).toContain('Release this claim?');
    // Looking at the confirm step releases nothing.
    expect(
      (await json(call('GET', `${V1}/discounts/available_for_receipt/claims/${claim.body.id}`, { token }))).body,
    ).not.toHaveProperty('deleted_at');
    expect((await browser.post(`/console/claims/${claim.body.id}/release`, {})).status).toBe(303);
    const after = await json(call('GET', `${V1}/discounts/available_for_receipt/claims/${claim.body.id}`, { token }));
    expect(after.body.deleted_at).toBeDefined();
    expect(await stats()).toContain(`<title>${today}0,00</title>`);
  });

  it('previews exactly the anonymous public list, and saves settings through the API', async () => {
    const browser = await signedIn();
    const off = await (await browser.get('/console/storefront')).text();
    expect(off).toContain('Anonymous access is off');
    const saved = await browser.post('/console/settings', {
      'public_offers.anonymous': 'true',
      'public_offers.allowed_origins': 'https://shop.example.com',
      'public_offers.max_age': '30',
      retention_days: '60',
    });
    expect(saved.status).toBe(303);
    const token = await tokenWith();
    const settings = await json(call('GET', `${V1}/settings`, { token }));
    expect(settings.body).toMatchObject({
      public_offers: { anonymous: true, allowed_origins: ['https://shop.example.com'], max_age: 30 },
      retention_days: 60,
    });
    const anonymous = await json(call('GET', `${V1}/discounts/public/rules?limit=100`));
    const preview = await (await browser.get('/console/storefront')).text();
    expect(preview).toContain(`${anonymous.body.length} offers`);
    const bad = await browser.post('/console/settings', { 'public_offers.max_age': '999999' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('id="f-public_offers-max_age-error"');
  });

  it('refuses a form posted from another origin (CSRF)', async () => {
    const browser = await signedIn();
    const res = await browser.post('/console/rules', ruleForm(), { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });

  it('has no powers the client lacks: a read-only client sees the API refuse its writes', async () => {
    const admin = await tokenWith();
    const client = await json(
      call('POST', `${V1}/auth/clients`, { token: admin, body: { name: 'viewer', scopes: ['read:discounts'] } }),
    );
    const browser = new ConsoleClient();
    expect((await browser.signIn(client.body.client_id, client.body.client_secret)).status).toBe(303);
    expect((await browser.get('/console/rules')).status).toBe(200);
    const refused = await browser.post('/console/rules', ruleForm());
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('This operation needs one of the scopes');
    expect(await (await browser.get('/console/settings')).text()).toContain('This operation needs one of the scopes');
  });
});
