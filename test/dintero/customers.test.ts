/**
 * Contract: the Customers API operations rabatt serves, with Dintero's `Customer` bodies, and
 * Dintero's company fields matched by discount requirements.
 */
import { describe, expect, it } from 'vitest';
import { dinteroClient, givenDiscount, posReceipt, tillDiscount } from './dintero';
import { CustomerResponse, expectFields, expectShape } from './schemas';

/** Every field of Dintero's `Customer` (BasicUser, CustomerData) a merchant may send. */
const companyCustomer = {
  customer_id: 'C13db4f63',
  type: 'company',
  first_name: 'John',
  last_name: 'Doe',
  email: 'customer@example.com',
  phone_number: '+4799999999',
  attributes: { tier: 'gold' },
  status: 'vip',
  favorite_store: 'sc029',
  enrolled_by: { type: 'url', value: 'https://facebook.com' },
  marketing_consent: {
    sms: { consent: true, updated_at: '2018-01-12T13:42:00Z' },
    email: { consent: false, updated_at: '2018-01-12T13:42:00Z' },
  },
  addresses: [
    {
      address_line: 'Sommerkroveien 34',
      address_line_2: 'PB 123',
      postal_code: '0349',
      postal_place: 'Oslo',
      country: 'NO',
      latitude: 59.942112,
      longitude: 10.716991,
      type: 'custom',
      custom_type: 'offsite',
      comment: '5th floor, use doorbell.',
    },
  ],
  term: { id: '6a1f7e0c-3d2b-4c5e-9f8a-7b6c5d4e3f2a', accepted_at: '2023-11-07T05:31:56Z' },
  company: {
    organization_number: '123456789MVA',
    bussiness_name: 'TKP tech AS',
    department: 'sales department',
    industry: 'computer industry',
    website: 'https://dintero.com',
    number_of_employees: '20',
  },
  gender: 'male',
  date_of_birth: '1990-09-20',
  metadata: { dob_year: 1985 },
};
const FIELDS = [
  'id',
  'customer_id',
  'type',
  'created_at',
  'created_by',
  'updated_at',
  'first_name',
  'email',
  'phone_number',
  'enrolled_by.value',
  'marketing_consent.sms.consent',
  'addresses.0.address_line',
  'term.id',
  'term.accepted_at',
  'company.bussiness_name',
  'company.organization_number',
  'metadata.dob_year',
];

describe('Dintero contract: customers', () => {
  it('aid_customers_post: every Customer field, answered as CustomerResponse', async () => {
    const client = await dinteroClient();
    const res = await client.post('/customers/users', companyCustomer);
    expect(res.status).toBe(200);
    expectShape(CustomerResponse, res.body);
    expectFields(res.body, FIELDS);
    expect(res.body.company).toEqual(companyCustomer.company);
    expect(res.body.term).toEqual(companyCustomer.term);
    // A contact, linked to the customers it is a contact for.
    const contact = await client.post('/customers/users', {
      type: 'contact',
      first_name: 'Kari',
      contact_for: [{ customer_id: 'C13db4f63' }],
    });
    expect(contact.status).toBe(200);
    expectShape(CustomerResponse, contact.body);
    expect(contact.body.contact_for).toEqual([{ customer_id: 'C13db4f63' }]);
  });

  it('aid_customers_get: CustomerResponse[]', async () => {
    const client = await dinteroClient();
    await client.post('/customers/users', { ...companyCustomer, customer_id: 'C2', email: 'c2@example.com' });
    const res = await client.get('/customers/users?type=any&limit=100');
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThan(0);
    for (const c of res.body) {
      expectShape(CustomerResponse, c);
      expectFields(c, ['id', 'customer_id', 'type']);
    }
  });

  it('aid_customers_cid_get: CustomerResponse', async () => {
    const client = await dinteroClient();
    await client.post('/customers/users', { ...companyCustomer, customer_id: 'C3', email: 'c3@example.com' });
    const res = await client.get('/customers/users/C3');
    expect(res.status).toBe(200);
    expectShape(CustomerResponse, res.body);
    expectFields(res.body, FIELDS);
  });

  it('aid_customers_cid_put: BasicUser fields, answered as CustomerResponse', async () => {
    const client = await dinteroClient();
    await client.post('/customers/users', { ...companyCustomer, customer_id: 'C4', email: 'c4@example.com' });
    const res = await client.put('/customers/users/C4', {
      company: { ...companyCustomer.company, bussiness_name: 'TKP technology AS' },
      term: { id: companyCustomer.term.id, accepted_at: '2024-01-01T00:00:00Z' },
      status: 'gold',
    });
    expect(res.status).toBe(200);
    expectShape(CustomerResponse, res.body);
    expect(res.body.company.bussiness_name).toBe('TKP technology AS');
    expect(res.body.term.accepted_at).toBe('2024-01-01T00:00:00Z');
  });

  it('aid_customers_cid_delete: CustomerResponse', async () => {
    const client = await dinteroClient();
    await client.post('/customers/users', { ...companyCustomer, customer_id: 'C5', email: 'c5@example.com' });
    const res = await client.delete('/customers/users/C5');
    expect(res.status).toBe(200);
    expectShape(CustomerResponse, res.body);
    expectFields(res.body, ['id', 'customer_id', 'type', 'created_at', 'created_by', 'deleted_at', 'deleted_by']);
  });

  it("requirement.customer.company.bussiness_name matches the stored customer's company", async () => {
    const client = await dinteroClient();
    await client.post('/customers/users', { ...companyCustomer, customer_id: 'C6', email: 'c6@example.com' });
    const body = tillDiscount({
      requirement: {
        purchase_from: '2020-01-01T00:00:00Z',
        purchase_to: '2099-12-31T23:59:59Z',
        customer: { company: { bussiness_name: ['TKP tech AS'] } },
      },
    });
    const did = await givenDiscount(client, body, ['C6', 'C7']);
    const known = await client.post('/discounts/available_for_receipt', posReceipt('r-c6', 'C6'));
    expect(known.body.discounts.map((d: { id: string }) => d.id)).toEqual([did]);
    const other = await client.post('/discounts/available_for_receipt', posReceipt('r-c7', 'C7'));
    expect(other.body.discounts).toEqual([]);
  });
});
