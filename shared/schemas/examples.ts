/**
 * Examples for the OpenAPI document, from the seed pages (seeds/001 and 003: list, read and delete
 * answer with these fields). The seed's "<string>" placeholders are filled with plausible values.
 * test/openapi/examples.test.ts checks each against its schema.
 */

export const exampleRule = {
  requirement: {
    purchase_from: '2023-11-07T05:31:56Z',
    purchase_to: '2023-11-07T05:31:56Z',
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
      enrolled_by: {
        type: ['url'],
        value: ['https://mypage.example.dintero.com'],
      },
      favorite_store: ['sc029'],
      first_name: ['John'],
      gender: ['male'],
      last_name: ['Doe'],
      marketing_consent: {
        email: {
          consent: ['true'],
        },
        sms: {
          consent: ['true'],
        },
      },
      status: ['vip'],
      term: {
        id: ['terms-2023'],
      },
      type: ['consumer'],
      attributes: {},
    },
    item: {
      quantity: 0,
      mixes: [
        {
          quantity: 1,
          reward_eligible: true,
          items: [
            {
              id: 'b714118',
            },
            {
              group_id: 'g4',
            },
          ],
        },
      ],
      items: [
        {
          id: 'b714118',
          group_id: 'B1',
        },
      ],
    },
    store_ids: ['sc029'],
    gross_amount: 0,
    net_amount: 0,
    currencies: [
      {
        'anything-but': ['NOK'],
      },
    ],
    stamp: 5,
    discount_code: 'TACO',
    store: {
      id: ['sc029'],
      name: ['SC Oslo'],
      business_name: ['SC Oslo AS'],
      address: {
        country: ['NO'],
        postal_code: ['0349'],
        postal_place: ['Oslo'],
      },
      chain: ['SuperChain'],
      email: ['contact@superchain.com'],
      gln: ['5790001398644'],
      organization_number: ['123456789MVA'],
      phone_number: ['+4738260107'],
      mcc: [5814],
      mcc_ranges: [
        {
          start: 5814,
          end: 5815,
        },
      ],
      bax: ['102603'],
      terminal_id: ['T0292'],
    },
  },
  reward: {
    type: 'discount_amount',
    value: 10000,
    values: [
      {
        items: [
          {
            id: 'b714118',
            group_id: 'B1',
          },
        ],
        value: 123,
      },
    ],
    base: 'gross',
    effect: 'discount',
  },
  id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
  created_at: '2023-11-07T05:31:56Z',
  created_by: '1c92f7e1-2897-4d46-bdcc-c127a914fb4e',
  updated_at: '2023-11-07T05:31:56Z',
  deleted_by: '1c92f7e1-2897-4d46-bdcc-c127a914fb4e',
  deleted_at: '2023-11-07T05:31:56Z',
  campaign_id: 'V101',
  active: true,
  private: false,
  updated_by: '3d1e4824-5474-48e7-a369-4f603fa4c5b8',
  type: 'item',
  name: 'Spar 100,-',
  receipt_text: 'Mai Salg',
  visible_from: '2023-11-07T05:31:56Z',
  description: 'Gjør et Stablestol kupp!',
  limitation: {
    dynamic_purchase_to_days: 2,
    discount_activation: [
      {
        type: 'deactivate_if_discount_active',
        value: '5f0c5a52-0e0b-4c3f-9a57-4a0d5b1a8e11',
      },
    ],
    discount_hours: {
      hours: [
        {
          day: 'mon',
          start: '10:00',
          end: '20:00',
        },
      ],
      timezone: 'Europe/Oslo',
    },
    discount_reward_usage: 1,
    discount_combination: -1,
    discount_eligible: 'item_eligible_for_discount',
    discount_repeat_usage: -1,
    stamp_expire_days: 100,
    blacklist: [
      {
        id: 'b714118',
        group_id: 'B1',
      },
    ],
  },
  metadata: {
    campaign_id: 'V101',
    is_featured: true,
    'dintero:private_text:kind': 'Gold',
  },
  links: [
    {
      href: 'https://example.dintero.com/c/photos/2018/6_20_thumbnail_discount_image.png',
      rel: 'thumbnail_discount_image',
    },
    {
      href: 'https://example.dintero.com/c/photos/2018/6_20_medium_discount_image.png',
      rel: 'medium_discount_image',
    },
    {
      href: 'https://example.dintero.com/shop?utm_source=dintero&utm_medium=email&utm_campaign=spring-summer',
      rel: 'webshoop',
    },
    {
      href: 'https://example.dintero.com/newsletter/2018.pdf',
      rel: 'newletter',
      type: 'application/pdf',
    },
  ],
  statistics: {
    stamp: 123,
    used: 28,
    usage: 28,
    amount: 280000,
    debit_balance: 12350,
  },
};
const { statistics: _exampleRuleStatistics, ...withoutStatistics } = exampleRule;
/** The rule as refs and customer discounts embed it (examples-customers.ts). */
export const exampleRuleWithoutStatistics = withoutStatistics;

const {
  id: _id,
  type: _type,
  created_at: _ca,
  created_by: _cb,
  updated_at: _ua,
  updated_by: _ub,
  deleted_at: _da,
  deleted_by: _db,
  statistics: _st,
  ...input
} = exampleRule;
/** The same rule as a client sends it (server-owned fields are accepted and ignored, so left out). */
export const exampleRuleInput = input;

export const exampleTokenRequest = {
  grant_type: 'client_credentials',
  audience: 'https://rabatt.example.com/v1/accounts/T12345678',
};

export const exampleToken = {
  access_token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjbGllbnQifQ.c2lnbmF0dXJl',
  token_type: 'Bearer',
  expires_in: 86400,
};

export const exampleApiClient = {
  client_id: '1c92f7e1-2897-4d46-bdcc-c127a914fb4e',
  name: 'POS integration',
  scopes: ['read:discounts', 'write:discounts:/available_for_receipt'],
  created_at: '2023-11-07T05:31:56Z',
  created_by: '3d1e4824-5474-48e7-a369-4f603fa4c5b8',
};

export const exampleApiClientInput = { name: exampleApiClient.name, scopes: exampleApiClient.scopes };

/** A till's receipt for `available_for_receipt` (the README's "At the till" example). */
export const exampleReceipt = {
  receipt_id: 'till-7-0001',
  purchase_at: '2026-11-21T12:00:00Z',
  store: { id: 'sc029' },
  customer_id: 'member-1001',
  currency: 'NOK',
  items: [
    { id: 'coffee', line_id: 1, quantity: 2, gross_amount: 9000 },
    { id: 'bun', line_id: 2, quantity: 1, gross_amount: 4150 },
  ],
};

/** What rabatt answers for it with a 10 % member rule: 13,15 split by line, 9,00 + 4,15. */
export const exampleEvaluatedReceipt = {
  ...exampleReceipt,
  items: [
    {
      ...exampleReceipt.items[0],
      is_changed: true,
      bonus_lines: [],
      discount_lines: [
        {
          amount: 900,
          percentage: 10,
          discount_type: 'customer',
          discount_id: exampleRule.id,
          description: 'Medlemsrabatt',
          line_id: 1,
        },
      ],
    },
    {
      ...exampleReceipt.items[1],
      is_changed: true,
      bonus_lines: [],
      discount_lines: [
        {
          amount: 415,
          percentage: 10,
          discount_type: 'customer',
          discount_id: exampleRule.id,
          description: 'Medlemsrabatt',
          line_id: 1,
        },
      ],
    },
  ],
  is_changed: true,
  discounts: [
    {
      // The whole rule (Dintero's DiscountRefs), without its rule-wide statistics.
      ...withoutStatistics,
      name: 'Member 10 %',
      receipt_text: 'Medlemsrabatt',
      type: 'receipt',
      requirement: { purchase_from: '2026-01-01T00:00:00Z', purchase_to: '2030-12-31T23:59:59Z' },
      reward: { type: 'discount_percent', value: 10 },
      refs: [
        {
          id: '8d3f1a2b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
          amount: 1315,
          stamp: 0,
          bonus: 0,
          usage: 1,
          statistics: { stamp: 0, usage: 0, amount: 0, bonus: 0, debit_balance: 0 },
          items: [
            { line_id: 1, amount: 900, bonus: 0 },
            { line_id: 2, amount: 415, bonus: 0 },
          ],
        },
      ],
    },
  ],
};

/**
 * `explanations[]` of the same receipt asked with `?explain=true`: the member rule applied, a
 * "100,- off above 500,-" rule the 131,50 receipt is too small for (docs/explain.md).
 */
export const exampleExplanations = [
  { discount_id: exampleRule.id, applied: true },
  {
    discount_id: '0e6f2b1a-7c3d-4e8f-9a0b-1c2d3e4f5a6b',
    applied: false,
    reason: 'gross_amount_below',
    field: 'requirement.gross_amount',
    needed: 50000,
    had: 13150,
  },
];
