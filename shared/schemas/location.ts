import * as v from 'valibot';
import { paging, repeated, serverOwned } from './common';
import { customerIdSchema, E164 } from './customer';

/** Dintero's SalesLocation (`/locations`, docs/locations.md). */
const text = (max = 1000) => v.pipe(v.string(), v.maxLength(max, `Expected at most ${max} characters`));
const opt = <S extends v.GenericSchema>(s: S) => v.optional(v.nullable(s));
const country = v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, 'Expected an ISO 3166-1 alpha-2 country code'));

const address = v.strictObject({
  address_line: text(),
  address_line_2: v.optional(text()),
  postal_code: v.optional(text(50)),
  postal_place: text(),
  country,
  latitude: v.optional(v.pipe(v.number(), v.minValue(-90), v.maxValue(90))),
  longitude: v.optional(v.pipe(v.number(), v.minValue(-180), v.maxValue(180))),
});

const fields = {
  name: opt(text(255)),
  timezone: opt(text(100)),
  status: opt(text(100)),
  language_code: opt(text(35)),
  currency: opt(v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'Expected an ISO 4217 currency such as NOK'))),
  phone_number: opt(v.pipe(v.string(), v.regex(E164, 'Expected an E.164 phone number such as +4799999999'))),
  chain: opt(text(255)),
  email: opt(v.pipe(v.string(), v.maxLength(254), v.email('Expected an email address'))),
  mcc: opt(v.pipe(v.string(), v.regex(/^\d{4}$/, 'Expected a four-digit merchant category code'))),
  gln: opt(text(100)),
  organization_number: opt(text(100)),
  business_name: opt(text(255)),
  franchise: opt(text(255)),
  type: opt(text(100)),
  website_url: opt(text()),
  address: opt(address),
};
const serverFields = serverOwned('account_id');

export const locationCreateSchema = v.strictObject({
  location_id: v.optional(customerIdSchema),
  ...fields,
  ...serverFields,
});
export type LocationInput = v.InferOutput<typeof locationCreateSchema>;
export const locationUpdateSchema = v.strictObject({ location_id: v.optional(v.string()), ...fields, ...serverFields });
export type LocationUpdate = v.InferOutput<typeof locationUpdateSchema>;

const filter = v.optional(repeated(v.pipe(v.string(), v.minLength(1), v.maxLength(255)), 10));
export const locationListQuerySchema = v.strictObject({
  limit: paging(100).limit,
  starting_after: paging(100).starting_after,
  search: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
  status: filter,
  country: filter,
  phone_number: filter,
  organization_number: filter,
  email: filter,
  type: filter,
});
export type LocationListQuery = v.InferOutput<typeof locationListQuerySchema>;

const instant = v.pipe(v.string(), v.isoTimestamp('Expected an RFC 3339 date-time'));
const nonNull = Object.fromEntries(
  Object.entries(fields).map(([k, s]) => [
    k,
    v.optional((s as unknown as { wrapped: { wrapped: v.GenericSchema } }).wrapped.wrapped),
  ]),
) as { [K in keyof typeof fields]: v.OptionalSchema<v.GenericSchema, undefined> };
export const locationSchema = v.pipe(
  v.strictObject({
    id: v.pipe(v.string(), v.uuid()),
    location_id: v.string(),
    account_id: v.string(),
    ...nonNull,
    created_at: instant,
    created_by: v.string(),
    updated_at: instant,
    updated_by: v.optional(v.string()),
    deleted_at: v.optional(instant),
    deleted_by: v.optional(v.string()),
  }),
  v.metadata({ ref: 'SalesLocation', description: "A sales location: the store a receipt's `store.id` names" }),
);

export interface SalesLocation {
  id: string;
  location_id: string;
  account_id?: string;
  name?: string;
  timezone?: string;
  status?: string;
  language_code?: string;
  currency?: string;
  phone_number?: string;
  chain?: string;
  email?: string;
  mcc?: string;
  gln?: string;
  organization_number?: string;
  business_name?: string;
  franchise?: string;
  type?: string;
  website_url?: string;
  address?: {
    address_line: string;
    address_line_2?: string;
    postal_code?: string;
    postal_place: string;
    country: string;
    latitude?: number;
    longitude?: number;
  };
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by?: string;
  deleted_at?: string;
  deleted_by?: string;
}
