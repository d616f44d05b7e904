/**
 * Examples of customers, refs, usages and claims for the OpenAPI document (the rules, clients and
 * receipts are in examples.ts). test/openapi/examples.test.ts checks each against its schema.
 */
import { exampleRuleWithoutStatistics } from './examples';

export const exampleCustomer = {
  id: '8f7c9a52-2b1e-4c3d-9f0a-1b2c3d4e5f60',
  customer_id: 'member-1001',
  type: 'customer',
  email: 'kari.nordmann@example.com',
  phone_number: '+4799999999',
  first_name: 'Kari',
  last_name: 'Nordmann',
  addresses: [{ address_line: 'Storgata 1', postal_code: '0155', postal_place: 'Oslo', country: 'NO' }],
  attributes: { tier: 'gold' },
  metadata: { dob_year: 1985 },
  tag_ids: ['vip'],
  created_at: '2026-05-01T10:00:00.000Z',
  created_by: 'pos-client',
  updated_at: '2026-05-01T10:00:00.000Z',
  updated_by: 'pos-client',
};

export const exampleRef = {
  id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
  discount_id: '5b7c1f4e-2a44-4d5e-9c1a-0d3f5e6a7b8c',
  customer_id: 'member-1001',
  kind: 'customer',
  created_at: '2023-11-07T05:31:56.000Z',
  created_by: '1c92f7e1-2897-4d46-bdcc-c127a914fb4e',
  updated_at: '2023-11-07T05:31:56.000Z',
  updated_by: '1c92f7e1-2897-4d46-bdcc-c127a914fb4e',
};
export const exampleWildcardRef = {
  ...exampleRef,
  id: '8d3f1a2b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
  customer_id: null,
  kind: '*',
};
const exampleRefStatistics = {
  stamp: 4,
  current_stamp: 3,
  usage: 1,
  used: 1,
  purchases: 1,
  amount: 10000,
  bonus: 0,
  debit_balance: 0,
};
/** A rule as one customer holds it: the rule (`id`), the ref (`ref_id`) and the ref's statistics. */
export const exampleCustomerDiscount = {
  ...exampleRuleWithoutStatistics,
  id: exampleRef.discount_id,
  ref_id: exampleRef.id,
  statistics: exampleRefStatistics,
};

/** Dintero's DiscountUsage: one ref with what was recorded on it. */
export const exampleDiscountUsage = {
  id: exampleRef.id,
  ref_id: exampleRef.id,
  discount_id: exampleRef.discount_id,
  customer_id: 'member-1001',
  create_at: exampleRef.created_at,
  updated_at: '2023-11-07T05:31:57.000Z',
  created_by: exampleRef.created_by,
  usage_refs: [
    {
      ref: '7a1e5c9b-2f4d-4b8e-9c3a-1d2e3f4a5b6c',
      ref_type: 'claim',
      usage: 1,
      stamp: 4,
      amount: 10000,
      customer_id: 'member-1001',
      created_at: '2023-11-07T05:31:57.000Z',
      created_by: exampleRef.created_by,
    },
  ],
  statistics: exampleRefStatistics,
};

export const exampleUsageEntry = {
  id: '0b6f0a4e-9d3b-4c83-a8a5-3d0f2a7f4c11',
  ref_id: exampleRef.id,
  discount_id: exampleRef.discount_id,
  customer_id: 'member-1001',
  source: 'claim',
  source_ref: '7a1e5c9b-2f4d-4b8e-9c3a-1d2e3f4a5b6c',
  usage: 1,
  amount: 10000,
  stamp: 0,
  debit: 0,
  purchase_at: '2023-11-07T05:31:56.000Z',
  created_at: '2023-11-07T05:31:57.000Z',
  created_by: exampleRef.created_by,
};

export const exampleClaim = {
  id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
  purchase_at: '2023-11-07T05:31:56Z',
  customer_id: 'member-1001',
  discounts: [
    {
      id: '5b7c1f4e-2a44-4d5e-9c1a-0d3f5e6a7b8c',
      refs: [{ id: '8d3f1a2b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', amount: 10000, usage: 1, stamp: 0 }],
    },
  ],
  ref: 'transactionid1',
  type: 'pos',
  created_at: '2023-11-07T05:31:57.000Z',
  created_by: '1c92f7e1-2897-4d46-bdcc-c127a914fb4e',
  updated_at: '2023-11-07T05:31:57.000Z',
  updated_by: '1c92f7e1-2897-4d46-bdcc-c127a914fb4e',
};
