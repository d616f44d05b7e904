/**
 * Requests built the way Dintero's documentation shows them (its examples and the seeds), and a
 * client that sends them. The contract tests call rabatt exactly as a Dintero client would.
 */
import { expect } from 'vitest';
import { env } from 'cloudflare:workers';
import { AID, BASE, call, json, tokenWith } from '../helpers';
import { issueToken } from '../../functions/auth/jwt';
import type { Scope } from '../../shared/auth/scopes';

export const BASE_PATH = `/v1/accounts/${AID}`;

/**
 * A Dintero client: every call under the account, with a token holding `scopes` (default: all),
 * bound to `customerId` when given (a `user:discounts` client's customer).
 */
export async function dinteroClient(scopes?: Scope[], customerId?: string) {
  const token =
    customerId === undefined
      ? await tokenWith(scopes)
      : await issueToken(env.JWT_SECRET!, {
          sub: 'user-client',
          aud: `${BASE}${BASE_PATH}`,
          aid: AID,
          scopes: scopes ?? [],
          customer_id: customerId,
        });
  const send = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    json(call(method, BASE_PATH + path, { token, body, headers }));
  return {
    token,
    get: (path: string) => send('GET', path),
    post: (path: string, body: unknown, headers?: Record<string, string>) => send('POST', path, body, headers),
    put: (path: string, body: unknown) => send('PUT', path, body),
    delete: (path: string, body?: unknown) => send('DELETE', path, body),
  };
}
export type DinteroClient = Awaited<ReturnType<typeof dinteroClient>>;

const FROM = '2020-01-01T00:00:00Z';
const TO = '2099-12-31T23:59:59Z';

/**
 * Seed 001's discount, as a client that read it sends it back (server-owned fields included),
 * with a purchase window around now. Every field Dintero shows is there.
 */
export function seedDiscount(overrides: Record<string, unknown> = {}) {
  return {
    requirement: {
      purchase_from: FROM,
      purchase_to: TO,
      customer: {
        addresses: [
          {
            country: ['NO'],
            postal_code: ['0349'],
            postal_place: ['Oslo'],
            custom_type: ['offsite'],
            type: ['custom'],
          },
        ],
        company: {
          bussiness_name: ['TKP tech AS'],
          department: ['production', 'research'],
          industry: ['J62.0.1', 'J62.0.2'],
          number_of_employees: ['20'],
          organization_number: ['123456789MVA'],
          website: ['https://dintero.com'],
        },
        date_of_birth: ['1990-09-20', '1990-05-10'],
        enrolled_by: { type: ['url'], value: ['https://mypage.example.dintero.com'] },
        favorite_store: ['sc029'],
        first_name: ['John'],
        gender: ['male'],
        last_name: ['Doe'],
        marketing_consent: { email: { consent: ['true'] }, sms: { consent: ['true'] } },
        status: ['vip'],
        term: { id: ['<string>'] },
        type: ['<string>'],
        attributes: {},
      },
      item: {
        quantity: 0,
        mixes: [{ quantity: 1, reward_eligible: true, items: [{ id: 'b714118' }, { group_id: 'g4' }] }],
        items: [{ id: 'b714118', group_id: 'B1' }],
      },
      store_ids: ['sc029'],
      gross_amount: 0,
      net_amount: 0,
      currencies: [{ 'anything-but': ['NOK'] }],
      stamp: 5,
      discount_code: 'TACO',
      store: {
        id: ['sc029'],
        name: ['SC Oslo'],
        business_name: ['SC Oslo AS'],
        address: { country: ['NO'], postal_code: ['0349'], postal_place: ['Oslo'] },
        chain: ['SuperChain'],
        email: ['contact@superchain.com'],
        gln: ['5790001398644'],
        organization_number: ['123456789MVA'],
        phone_number: ['+4738260107'],
        mcc: [5814],
        mcc_ranges: [{ start: 5814, end: 5815 }],
        bax: ['102603'],
        terminal_id: ['T0292'],
      },
    },
    reward: {
      type: 'discount_amount',
      value: 10000,
      values: [{ items: [{ id: 'b714118', group_id: 'B1' }], value: 123 }],
      base: 'gross',
      effect: 'discount',
    },
    id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
    created_at: '2023-11-07T05:31:56Z',
    created_by: '1c92f7e1-2897-4d46-bdcc-c127a914fb4e',
    updated_at: '2023-11-07T05:31:56Z',
    campaign_id: 'V101',
    active: true,
    private: false,
    updated_by: '3d1e4824-5474-48e7-a369-4f603fa4c5b8',
    type: 'item',
    name: 'Spar 100,-',
    receipt_text: 'Mai Salg',
    visible_from: FROM,
    description: 'Gjør et Stablestol kupp!',
    limitation: {
      dynamic_purchase_to_days: 2,
      discount_activation: [{ type: 'deactivate_if_discount_active', value: '<string>' }],
      discount_hours: { hours: [{ day: 'mon', start: '10:00', end: '20:00' }], timezone: 'Europe/Oslo' },
      discount_reward_usage: 1,
      discount_combination: -1,
      discount_eligible: 'item_eligible_for_discount',
      discount_repeat_usage: -1,
      stamp_expire_days: 100,
      blacklist: [{ id: 'b714118', group_id: 'B1' }],
    },
    metadata: { campaign_id: 'V101', is_featured: true, 'dintero:private_text:kind': 'Gold' },
    links: [
      {
        href: 'https://example.dintero.com/c/photos/2018/6_20_thumbnail_discount_image.png',
        rel: 'thumbnail_discount_image',
      },
      { href: 'https://example.dintero.com/newsletter/2018.pdf', rel: 'newletter', type: 'application/pdf' },
    ],
    statistics: { stamp: 123, used: 28, usage: 28, amount: 280000, debit_balance: 12350 },
    ...overrides,
  };
}

/** "Spar 10 %" on any receipt: the discount the till examples use. */
export function tillDiscount(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Spar 10%',
    receipt_text: 'Mai Salg',
    requirement: { purchase_from: FROM, purchase_to: TO },
    reward: { type: 'discount_percent', value: 10 },
    ...overrides,
  };
}

/** Creates a discount and gives it to `customers`; answers its id. */
export async function givenDiscount(client: DinteroClient, body: unknown, customers: string[]): Promise<string> {
  const created = await client.post('/discounts/rules', body);
  expect(created.status).toBe(200);
  const given = await client.post(`/discounts/rules/${created.body.id}/customers`, { customers });
  expect(given.status).toBe(200);
  return created.body.id as string;
}

/** The ref a customer holds of a discount (from `GET /customers/{cid}/rules`). */
export async function refOf(client: DinteroClient, customerId: string, discountId: string): Promise<string> {
  const list = await client.get(`/discounts/customers/${customerId}/rules?limit=100`);
  expect(list.status).toBe(200);
  const found = (list.body as { id: string; ref_id: string }[]).find((d) => d.id === discountId);
  expect(found).toBeDefined();
  return found!.ref_id;
}

/** A POS receipt as Dintero's Receipt type describes it. */
export function posReceipt(receiptId: string, customerId: string | undefined, items?: unknown[]) {
  return {
    receipt_id: receiptId,
    purchase_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    store: { id: 'sc029', name: 'SC Oslo', business_name: 'SC Oslo AS', chain: 'SuperChain', mcc: '5814' },
    ...(customerId !== undefined && { customer_id: customerId }),
    currency: 'NOK',
    gross_amount: 59800,
    net_amount: 59800,
    order_number: 'order12345',
    operator_id: '000210',
    items: items ?? [
      {
        id: '175938',
        groups: [
          { id: 'B234', name: 'Stol' },
          { id: 'B1', name: 'Møbel' },
        ],
        quantity: 2,
        unit: 'stk',
        description: 'Stablestol for utendørsbruk',
        gross_amount: 39800,
        net_amount: 39800,
        unit_gross_price: 19900,
        tax_percent: 25,
        line_id: 1,
        eligible_for_discount: true,
        discount_lines: [],
        bonus_lines: [],
      },
      {
        id: '175939',
        quantity: 1,
        gross_amount: 20000,
        net_amount: 20000,
        line_id: 2,
        eligible_for_discount: true,
      },
    ],
  };
}
