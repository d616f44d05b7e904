/**
 * Dintero's Customers API shapes beyond the customer (tokens, token events, tags, locations),
 * written from `dintero-customers-api.d.ts` (definitions CustomerToken, TokenDetail, TokenEvent,
 * CustomerTag, SalesLocationResponse). Loose objects, as in schemas.ts.
 */
import * as v from 'valibot';
import { CustomerResponse, dateTime, entity } from './schemas';

const loose = v.looseObject;
const opt = v.optional;
const str = v.string();
const num = v.number();
const record = v.record(v.string(), v.unknown());

/** `CustomerToken` = Entity & {token_id?, type, value, metadata?}. */
export const CustomerToken = loose({ ...entity, token_id: opt(str), type: str, value: str, metadata: opt(record) });

/** `TokenEvent`. */
export const TokenEvent = loose({
  expires_at: opt(dateTime),
  created_at: opt(dateTime),
  event: str,
  status: opt(str),
  metadata: opt(record),
});

/** `TokenDetail`. */
export const TokenDetail = loose({
  id: opt(str),
  customer: opt(CustomerResponse),
  token: opt(CustomerToken),
  status: opt(str),
  events: opt(v.array(TokenEvent)),
});

/** `aid_customers_tokens_events_get`'s item: {id?, status?, events?}. */
export const TokenEventsEntry = loose({ id: opt(str), status: opt(str), events: opt(v.array(TokenEvent)) });

/** `CustomerTag` = Entity & {tag, metadata?}. */
export const CustomerTag = loose({ ...entity, tag: str, metadata: opt(record) });

const Address = loose({
  address_line: str,
  address_line_2: opt(str),
  postal_code: opt(str),
  postal_place: str,
  country: str,
  latitude: opt(num),
  longitude: opt(num),
});

/** `SalesLocationResponse` = {account_id?} & SalesLocation. */
export const SalesLocationResponse = loose({
  ...entity,
  account_id: opt(v.pipe(v.string(), v.regex(/^[PT]{1}\d{8}$/))),
  location_id: opt(str),
  name: opt(str),
  timezone: opt(str),
  status: opt(str),
  language_code: opt(str),
  currency: opt(str),
  phone_number: opt(v.pipe(v.string(), v.regex(/^\+?[1-9]\d{1,14}$/))),
  chain: opt(str),
  email: opt(str),
  mcc: opt(str),
  gln: opt(str),
  organization_number: opt(str),
  business_name: opt(str),
  franchise: opt(str),
  type: opt(str),
  website_url: opt(str),
  address: opt(Address),
});
