import { Hono } from 'hono';
import * as v from 'valibot';
import { storeOf, type AppEnv } from '../app-env';
import { scopes } from '../../shared/auth/scopes';
import { documented, ok } from '../openapi';
import { operation } from '../operation';
import { listOf, totalCount } from '../paging';
import {
  customerCreateSchema,
  customerImportResultSchema,
  customerImportSchema,
  customerListQuerySchema,
  customerSchema,
  customerUpdateSchema,
  merchantIdParam,
} from '../../shared/schemas/customer';
import { customerTagSchema, customerTagsPutSchema, parseCustomerTagsPut } from '../../shared/schemas/customer-api';
import { exampleCustomer } from '../../shared/schemas/examples-customers';
import { jsonBody, paramOf, queryOf } from '../validate';

const tags = ['Customers'];
const read = scopes.read('customers');
const write = scopes.write('customers');
/** A customer_id that could never be stored is simply not found. */
const customerParam = paramOf({ customer_id: merchantIdParam('Customer not found') });
const one = (description: string) => ({ 200: ok(customerSchema, description, exampleCustomer) });
const {
  id: _id,
  created_at: _c,
  created_by: _cb,
  updated_at: _u,
  updated_by: _ub,
  tag_ids: _t,
  ...exampleInput
} = exampleCustomer;

export const customers = new Hono<AppEnv>()
  .get(
    '/',
    operation({
      tags,
      summary: 'List customers',
      description:
        'All filters AND together. `email`, `phone_number` and `search` match by prefix (send `+` as `%2B`). ' +
        'Contacts are left out unless `type=contact` or `type=any`.',
      scopes: read,
      responses: {
        200: listOf(customerSchema, 'Matching customers, oldest first', [exampleCustomer]),
      },
    }),
    queryOf(customerListQuerySchema),
    async (c) => {
      const { customers, total } = await storeOf(c).listCustomers(c.req.valid('query'));
      totalCount(c, total);
      return c.json(customers);
    },
  )
  .post(
    '/',
    operation({
      tags,
      summary: 'Create a customer',
      scopes: write,
      responses: one('The stored customer'),
      errors: [409],
      requestExample: exampleInput,
    }),
    jsonBody(customerCreateSchema),
    async (c) => c.json(await storeOf(c).createCustomer(c.req.valid('json'), c.get('caller').clientId)),
  )
  .post(
    '/import',
    operation({
      tags,
      summary: 'Import customers in bulk',
      description: 'Up to 1000 customers, all or none; errors name `customers.<n>.<field>`. Needs `admin:customers`.',
      scopes: scopes.admin('customers'),
      responses: { 200: ok(customerImportResultSchema, 'The id and customer_id of each new customer, in order') },
      errors: [409],
      requestExample: { customers: [exampleInput] },
    }),
    jsonBody(customerImportSchema),
    async (c) => c.json(await storeOf(c).importCustomers(c.req.valid('json').customers, c.get('caller').clientId)),
  )
  .get(
    '/:customer_id',
    operation({
      tags,
      summary: 'Read a customer',
      scopes: read,
      responses: one('The customer (a deleted one as its tombstone)'),
    }),
    customerParam,
    async (c) => c.json(await storeOf(c).getCustomer(c.req.valid('param').customer_id)),
  )
  .put(
    '/:customer_id',
    operation({
      tags,
      summary: 'Update a customer',
      description:
        'Partial: only given fields change; `null` unsets a field or a metadata key; `metadata: null` clears metadata.',
      scopes: write,
      responses: one('The updated customer'),
      errors: [409],
    }),
    customerParam,
    jsonBody(customerUpdateSchema),
    async (c) =>
      c.json(
        await storeOf(c).updateCustomer(
          c.req.valid('param').customer_id,
          c.req.valid('json'),
          c.get('caller').clientId,
        ),
      ),
  )
  .delete(
    '/:customer_id',
    operation({
      tags,
      summary: 'Delete a customer',
      description: 'Erases every personal field; ids and stamps remain.',
      scopes: write,
      responses: one('The tombstone'),
    }),
    customerParam,
    async (c) => c.json(await storeOf(c).deleteCustomer(c.req.valid('param').customer_id, c.get('caller').clientId)),
  )
  .put(
    '/:customer_id/tags',
    operation({
      tags,
      summary: "Set a customer's tags",
      description:
        "Replaces the customer's tags (duplicates dropped, at most 100). Dintero's body, a bare array of tag ids, " +
        "is answered with Dintero's `CustomerTag[]`; rabatt's earlier `{tag_ids: [...]}` with the customer. Ids " +
        'the tag registry does not know are registered with `tag` = id.',
      scopes: write,
      responses: {
        200: ok(v.union([v.array(customerTagSchema), customerSchema]), 'The tags (array body) or the customer'),
      },
      requestExample: ['vip'],
    }),
    customerParam,
    documented(jsonBody(v.unknown(), { array: true }), 'json', customerTagsPutSchema),
    async (c) => {
      const body = c.req.valid('json');
      const ids = parseCustomerTagsPut(body);
      const { customer, tags } = await storeOf(c).putCustomerTags(
        c.req.valid('param').customer_id,
        ids,
        c.get('caller').clientId,
      );
      return c.json(Array.isArray(body) ? tags : customer);
    },
  );
