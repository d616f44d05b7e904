import { Hono } from 'hono';
import { accountOf, storeOf, type AppContext, type AppEnv } from '../app-env';
import { scopes } from '../../shared/auth/scopes';
import { ok } from '../openapi';
import { operation } from '../operation';
import { listOf } from '../paging';
import { merchantIdParam } from '../../shared/schemas/customer';
import {
  locationCreateSchema,
  locationListQuerySchema,
  locationSchema,
  locationUpdateSchema,
  type SalesLocation,
} from '../../shared/schemas/location';
import { jsonBody, paramOf, queryOf } from '../validate';

/** Dintero's sales locations (docs/locations.md): the stores receipts' `store.id` names. */
const tags = ['Locations'];
const read = scopes.read('locations');
const write = scopes.write('locations');
const lidParam = paramOf({ lid: merchantIdParam('Location not found') });
const example = {
  location_id: 'sc029',
  name: 'TKP Store',
  timezone: 'Europe/Oslo',
  status: 'Active',
  currency: 'NOK',
  phone_number: '+4799999999',
  chain: 'SuperChain',
  mcc: '5814',
  organization_number: '123456789MVA',
  business_name: 'TKP technology AS',
  address: { address_line: 'Sommerkroveien 34', postal_code: '0349', postal_place: 'Oslo', country: 'NO' },
};
const answered = {
  ...example,
  id: '2f9b6c1e-8a7d-4e3f-9c2b-1a0d9e8f7c6b',
  account_id: 'T12345678',
  created_at: '2023-11-07T05:31:56.000Z',
  created_by: 'pos-client',
  updated_at: '2023-11-07T05:31:56.000Z',
};
/** The object does not know its account id: the answer gets it from the path. */
const withAccount = (c: AppContext, l: SalesLocation) => ({ ...l, account_id: accountOf(c) });
const one = (description: string) => ({ 200: ok(locationSchema, description, answered) });

export const locations = new Hono<AppEnv>()
  .get(
    '/',
    operation({
      tags,
      summary: 'List sales locations',
      description:
        'Oldest first; `starting_after` is a `location_id`, `limit` 1–100. `search` matches part of name, ' +
        'phone_number, email, organization_number or business_name (case-insensitive); `status`, `country` ' +
        '(address.country), `phone_number`, `organization_number`, `email` and `type` match exactly, each ' +
        'repeatable up to 10 values (any of them).',
      scopes: read,
      responses: { 200: listOf(locationSchema, 'The locations', [answered]) },
    }),
    queryOf(locationListQuerySchema),
    async (c) => c.json((await storeOf(c).listLocations(c.req.valid('query'))).map((l) => withAccount(c, l))),
  )
  .post(
    '/',
    operation({
      tags,
      summary: 'Create a sales location',
      description: '`location_id` is generated when absent; a taken one is 409. At most 10,000 per account.',
      scopes: write,
      responses: one('The location'),
      errors: [409],
      requestExample: example,
    }),
    jsonBody(locationCreateSchema),
    async (c) => c.json(withAccount(c, await storeOf(c).createLocation(c.req.valid('json'), c.get('caller').clientId))),
  )
  .get(
    '/:lid',
    operation({ tags, summary: 'Read a sales location', scopes: read, responses: one('The location'), errors: [404] }),
    lidParam,
    async (c) => c.json(withAccount(c, await storeOf(c).getLocation(c.req.valid('param').lid))),
  )
  .put(
    '/:lid',
    operation({
      tags,
      summary: 'Update a sales location',
      description: 'Given fields replace the stored ones; `null` removes one. `location_id` cannot change.',
      scopes: write,
      responses: one('The updated location'),
      errors: [404],
      requestExample: { name: 'TKP Store Majorstuen' },
    }),
    lidParam,
    jsonBody(locationUpdateSchema),
    async (c) =>
      c.json(
        withAccount(
          c,
          await storeOf(c).updateLocation(c.req.valid('param').lid, c.req.valid('json'), c.get('caller').clientId),
        ),
      ),
  )
  .delete(
    '/:lid',
    operation({
      tags,
      summary: 'Delete a sales location',
      description: 'Answers it with `deleted_at`; its location_id may be used again.',
      scopes: write,
      responses: one('The deleted location'),
      errors: [404],
    }),
    lidParam,
    async (c) =>
      c.json(withAccount(c, await storeOf(c).deleteLocation(c.req.valid('param').lid, c.get('caller').clientId))),
  );
