import * as v from 'valibot';
import {
  boolParam,
  dateTime,
  metadata,
  noSinceWithStartingAfter,
  paging,
  plainObject,
  repeated,
  serverOwned,
} from './common';

export const CUSTOMER_TYPES = ['customer', 'company', 'contact', 'employee', 'other'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];
/** Types that may carry `company` (seed 004). */
const COMPANY_TYPES: readonly string[] = ['company', 'other'];

const text = (max = 1000) => v.pipe(v.string(), v.maxLength(max, `Expected at most ${max} characters`));
const opt = <S extends v.GenericSchema>(s: S) => v.optional(v.nullable(s));

/** The merchant's own id; it is a path segment, so no edge spaces (seed 004) and no slashes. */
export const customerIdSchema = v.pipe(
  v.string(),
  v.minLength(1, 'Expected a non-empty customer_id'),
  v.maxLength(255, 'Expected at most 255 characters'),
  v.check((s) => s.trim() === s, 'Expected no leading or trailing spaces'),
  v.check((s) => !s.includes('/'), 'Expected no slash'),
);

/** A path segment holding a merchant-given id (customer, token, tag, location): one never storable is not found. */
export const merchantIdParam = (notFound: string) =>
  v.pipe(
    v.string(),
    v.check((s) => v.is(customerIdSchema, s), notFound),
  );

export const E164 = /^\+[1-9]\d{1,14}$/;
const phoneNumber = v.pipe(v.string(), v.regex(E164, 'Expected an E.164 phone number such as +4799999999'));
const email = v.pipe(v.string(), v.maxLength(254), v.email('Expected an email address'));

const address = v.strictObject({
  address_line: opt(text()),
  address_line_2: opt(text()),
  co_address: opt(text()),
  business_name: opt(text()),
  first_name: opt(text()),
  last_name: opt(text()),
  postal_code: opt(text(50)),
  postal_place: opt(text()),
  country: opt(v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, 'Expected an ISO 3166-1 alpha-2 country code'))),
  type: opt(text(100)),
  custom_type: opt(text(100)),
  comment: opt(text()),
  latitude: opt(v.number()),
  longitude: opt(v.number()),
});

/**
 * Dintero's company: `bussiness_name` is Dintero's spelling (requirements match it:
 * `requirement.customer.company.bussiness_name`). `business_name`, rabatt's earlier spelling, is
 * still accepted and stored as `bussiness_name`.
 */
const companyFields = {
  bussiness_name: opt(text()),
  organization_number: opt(text(100)),
  department: opt(text()),
  industry: opt(text()),
  number_of_employees: opt(v.union([text(100), v.pipe(v.number(), v.integer(), v.minValue(0))])),
  website: opt(text()),
};
const company = v.pipe(
  v.strictObject({ ...companyFields, business_name: opt(text()) }),
  v.transform(({ business_name, ...c }) =>
    business_name === undefined || c.bussiness_name !== undefined ? c : { ...c, bussiness_name: business_name },
  ),
);

const consent = v.strictObject({ consent: v.boolean(), updated_at: v.optional(v.string()) });

/** Every field a merchant may write; `null` unsets it on PUT. */
const editable = {
  type: v.optional(v.picklist(CUSTOMER_TYPES, `Expected one of: ${CUSTOMER_TYPES.join(', ')}`)),
  email: opt(email),
  phone_number: opt(phoneNumber),
  first_name: opt(text(255)),
  last_name: opt(text(255)),
  attributes: opt(v.pipe(plainObject, v.record(v.pipe(v.string(), v.minLength(1), v.maxLength(255)), v.unknown()))),
  status: opt(text(255)),
  favorite_store: opt(text(255)),
  enrolled_by: opt(v.strictObject({ type: opt(text(255)), value: opt(text(255)) })),
  marketing_consent: opt(v.strictObject({ email: v.optional(consent), sms: v.optional(consent) })),
  addresses: opt(v.pipe(v.array(address), v.maxLength(50))),
  company: opt(company),
  gender: opt(text(50)),
  date_of_birth: opt(v.pipe(v.string(), v.isoDate('Expected a date such as 1990-09-20'))),
  term: opt(v.strictObject({ id: text(255), accepted_at: v.optional(dateTime) })),
  /** The customers a `contact` is a contact for (Dintero: supported when type is contact). */
  contact_for: opt(v.pipe(v.array(v.strictObject({ customer_id: customerIdSchema })), v.maxLength(100))),
  metadata: v.optional(v.nullable(metadata)),
};

/** Server-owned fields: accepted so a GET body can be sent back, then ignored. */
const readOnly = serverOwned('tag_ids');

export const customerCreateSchema = v.pipe(
  v.strictObject({ customer_id: v.optional(customerIdSchema), ...editable, ...readOnly }),
  v.forward(
    v.check((c) => (c.type ?? 'customer') !== 'company' || !!c.company, 'company is required when type is company'),
    ['company'],
  ),
  v.forward(
    v.check(
      (c) => !c.company || COMPANY_TYPES.includes(c.type ?? 'customer'),
      'company is only supported for type company or other',
    ),
    ['company'],
  ),
  v.forward(
    v.check((c) => !c.contact_for || c.type === 'contact', 'contact_for is only supported for type contact'),
    ['contact_for'],
  ),
);
export type CustomerInput = v.InferOutput<typeof customerCreateSchema>;

/** PUT is partial; the merged customer is checked again with `customerCreateSchema`. */
export const customerUpdateSchema = v.strictObject({ customer_id: v.optional(v.string()), ...editable, ...readOnly });
export type CustomerUpdate = v.InferOutput<typeof customerUpdateSchema>;

export const customerImportSchema = v.strictObject({
  customers: v.pipe(
    v.array(v.unknown()),
    v.minLength(1),
    v.maxLength(1000, 'Expected at most 1000 customers per import'),
  ),
});

/** Attribute and metadata values: any JSON (kept shallow for the RPC type mapper). */
type JsonValue = string | number | boolean | null | object;

/** A customer as returned. A deleted one keeps only ids, creation and deletion stamps. */
export interface Customer {
  id: string;
  customer_id: string;
  type?: CustomerType;
  email?: string;
  phone_number?: string;
  first_name?: string;
  last_name?: string;
  attributes?: Record<string, JsonValue>;
  company?: Record<string, string | number>;
  addresses?: Record<string, string | number>[];
  metadata?: Record<string, JsonValue>;
  tag_ids?: string[];
  created_at: string;
  created_by: string;
  updated_at?: string;
  updated_by?: string;
  deleted_at?: string;
  deleted_by?: string;
  status?: string;
  favorite_store?: string;
  enrolled_by?: { type?: string; value?: string };
  marketing_consent?: {
    email?: { consent: boolean; updated_at?: string };
    sms?: { consent: boolean; updated_at?: string };
  };
  gender?: string;
  date_of_birth?: string;
  term?: { id: string; accepted_at?: string };
  contact_for?: { customer_id: string }[];
}

const queryText = (max = 255) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));

/** Attribute filters per customer list request (docs/security.md). */
export const MAX_ATTRIBUTE_FILTERS = 20;

export const customerListQuerySchema = v.pipe(
  v.strictObject({
    ...paging(100),
    token_value: v.optional(queryText()),
    token_type: v.optional(queryText()),
    email: v.optional(queryText()),
    phone_number: v.optional(queryText(20)),
    type: v.optional(
      v.picklist([...CUSTOMER_TYPES, 'any'], `Expected one of: ${[...CUSTOMER_TYPES, 'any'].join(', ')}`),
    ),
    search: v.optional(queryText()),
    tag_id: v.optional(queryText()),
    include_deleted: v.optional(boolParam),
    // Both spellings arrive: `attributes_keys=a&attributes_keys=b` and `attributes_keys[]=a`.
    attributes_keys: v.optional(repeated(queryText())),
    'attributes_keys[]': v.optional(repeated(queryText())),
    attributes_values: v.optional(repeated(v.pipe(v.string(), v.maxLength(1000)))),
    'attributes_values[]': v.optional(repeated(v.pipe(v.string(), v.maxLength(1000)))),
  }),
  noSinceWithStartingAfter(),
  v.transform(({ 'attributes_keys[]': k2, 'attributes_values[]': v2, attributes_keys, attributes_values, ...q }) => ({
    ...q,
    attributes_keys: [...(attributes_keys ?? []), ...(k2 ?? [])],
    attributes_values: [...(attributes_values ?? []), ...(v2 ?? [])],
  })),
  // Each key (and value) is bound in SQL, and SQLite in a Durable Object takes at most 100 bound
  // parameters per statement: past MAX_ATTRIBUTE_FILTERS the list would fail, not search.
  v.forward(
    v.check(
      (q) => q.attributes_keys.length <= MAX_ATTRIBUTE_FILTERS,
      `Expected at most ${MAX_ATTRIBUTE_FILTERS} attributes_keys (both spellings together)`,
    ),
    ['attributes_keys'],
  ),
  v.forward(
    v.check(
      (q) => q.attributes_values.length <= MAX_ATTRIBUTE_FILTERS,
      `Expected at most ${MAX_ATTRIBUTE_FILTERS} attributes_values (both spellings together)`,
    ),
    ['attributes_values'],
  ),
  v.forward(
    v.check(
      (q) => q.attributes_values.length === 0 || q.attributes_values.length === q.attributes_keys.length,
      'attributes_values pairs with attributes_keys by position: send one value per key',
    ),
    ['attributes_values'],
  ),
);
export type CustomerListQuery = v.InferOutput<typeof customerListQuerySchema>;

/** A token that identifies a customer at the till (card, member number ...). */
export const tokenSchema = v.strictObject({
  token_id: v.optional(queryText()),
  type: v.optional(queryText()),
  value: v.optional(queryText(1000)),
  customer_id: v.optional(customerIdSchema),
});
export type TokenRef = { token_id?: string; type?: string; value?: string };

// What the API answers (shared/openapi.ts documents these and the contract test checks them).
const instant = v.pipe(v.string(), v.isoTimestamp('Expected an RFC 3339 date-time'));
/** The editable fields as answered: optional, never null. */
const nonNull = (entries: Record<string, v.GenericSchema>) =>
  Object.fromEntries(
    Object.entries(entries).map(([k, s]) => {
      let inner = s as v.GenericSchema & { wrapped?: v.GenericSchema; type: string };
      while (inner.type === 'optional' || inner.type === 'nullable') inner = inner.wrapped as typeof inner;
      return [k, v.optional(inner)];
    }),
  );

export const customerSchema = v.pipe(
  v.strictObject({
    id: v.pipe(v.string(), v.uuid()),
    customer_id: v.string(),
    ...(nonNull(editable) as { [K in keyof typeof editable]: v.OptionalSchema<v.GenericSchema, undefined> }),
    company: v.optional(v.strictObject(nonNull(companyFields))),
    tag_ids: v.optional(v.array(v.string())),
    created_at: instant,
    created_by: v.string(),
    updated_at: v.optional(instant),
    updated_by: v.optional(v.string()),
    deleted_at: v.optional(instant),
    deleted_by: v.optional(v.string()),
  }),
  v.metadata({
    ref: 'Customer',
    description: 'A customer. A deleted customer keeps only id, customer_id, created_at/by and deleted_at/by.',
  }),
);

export const customerImportResultSchema = v.array(v.strictObject({ id: v.string(), customer_id: v.string() }));
