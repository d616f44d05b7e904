import * as v from 'valibot';
import { boolParam, dateTime, metadata, noSinceWithStartingAfter, paging, serverOwned } from './common';
import { customerIdSchema, customerSchema } from './customer';
import { parse } from './parse';

/**
 * Dintero's Customers API beyond the customer itself: tokens, token events, the tag registry and
 * change_customer_id (docs/customers.md). Requests and answers follow Dintero's published types.
 */
const text = (max = 255) => v.pipe(v.string(), v.minLength(1), v.maxLength(max, `Expected at most ${max} characters`));
/** A merchant-given id that becomes a path segment: like a customer_id. */
const pathId = customerIdSchema;
const instant = v.pipe(v.string(), v.isoTimestamp('Expected an RFC 3339 date-time'));

/** `POST /users/{customer_id}/tokens`: Dintero's CustomerToken; `token_id` is generated when absent. */
export const customerTokenCreateSchema = v.strictObject({
  token_id: v.optional(pathId),
  type: v.pipe(v.string(), v.maxLength(255)),
  value: text(1000),
  metadata: v.optional(metadata),
  ...serverOwned(),
});
export type CustomerTokenCreate = v.InferOutput<typeof customerTokenCreateSchema>;

export const customerTokenSchema = v.pipe(
  v.strictObject({
    token_id: v.string(),
    type: v.string(),
    value: v.string(),
    metadata: v.optional(v.record(v.string(), v.unknown())),
    created_at: instant,
    created_by: v.optional(v.string()),
  }),
  v.metadata({ ref: 'CustomerToken', description: "A customer's token (card, member number ...)" }),
);

export const customerTokensQuerySchema = v.strictObject({
  type: v.optional(v.pipe(v.string(), v.maxLength(255))),
  limit: paging(100).limit,
  starting_after: paging(100).starting_after,
  total: paging(100).total,
  /** Accepted for Dintero's clients; deleted tokens are erased, so there are none to include. */
  include_deleted: v.optional(boolParam),
});
export type CustomerTokensQuery = v.InferOutput<typeof customerTokensQuerySchema>;

export const customerTokenCreateQuerySchema = v.strictObject({ delete_token_events: v.optional(boolParam) });

const tokenTypeValue = v.strictObject({ type: v.pipe(v.string(), v.maxLength(255)), value: text(1000) });

export const tokenEventInputSchema = v.strictObject({
  event: text(1000),
  status: v.optional(text()),
  metadata: v.optional(metadata),
  expires_at: v.optional(dateTime),
  /** Dintero's TokenEvent has it; the server sets it. */
  created_at: v.optional(v.unknown()),
});

/** `POST /customers/tokens/events`: look a token up, and with `event` record one. */
export const tokenEventsPostSchema = v.strictObject({
  token: tokenTypeValue,
  event: v.optional(tokenEventInputSchema),
});
export type TokenEventsPost = v.InferOutput<typeof tokenEventsPostSchema>;

/** `DELETE /customers/tokens/events`: clears the events; with `event`, records a DELETED one. */
export const tokenEventsDeleteSchema = v.strictObject({
  token: tokenTypeValue,
  event: v.optional(v.strictObject({ event: v.optional(text(1000)), metadata: v.optional(metadata) })),
});
export type TokenEventsDelete = v.InferOutput<typeof tokenEventsDeleteSchema>;

export const tokenEventsQuerySchema = v.pipe(
  v.strictObject({
    limit: paging(100).limit,
    starting_after: paging(100).starting_after,
    since_datetime: paging(100).since_datetime,
    deleted_since: v.optional(dateTime),
  }),
  noSinceWithStartingAfter(),
);
export type TokenEventsQuery = v.InferOutput<typeof tokenEventsQuerySchema>;

const tokenEventSchema = v.strictObject({
  event: v.string(),
  status: v.optional(v.string()),
  metadata: v.optional(v.record(v.string(), v.unknown())),
  created_at: instant,
  expires_at: v.optional(instant),
});
export const tokenEventsEntrySchema = v.pipe(
  v.strictObject({ id: v.string(), status: v.string(), events: v.array(tokenEventSchema) }),
  v.metadata({ ref: 'TokenEvents', description: 'The events recorded on one token type and value' }),
);
export const tokenDetailSchema = v.pipe(
  v.strictObject({
    id: v.string(),
    customer: v.optional(customerSchema),
    token: v.optional(customerTokenSchema),
    status: v.string(),
    events: v.array(tokenEventSchema),
  }),
  v.metadata({
    ref: 'TokenDetail',
    description:
      'A token type and value: the customer holding it (if any), the token, its events and status ' +
      '(`customer.status`, else the latest unexpired event status, else UNKNOWN)',
  }),
);

/** `POST /customers/tags`: Dintero's CustomerTag. `id` may be given (e.g. to name tags customers already carry). */
export const tagCreateSchema = v.strictObject({
  id: v.optional(pathId),
  tag: text(255),
  metadata: v.optional(metadata),
  created_at: v.optional(v.unknown()),
  created_by: v.optional(v.unknown()),
  updated_at: v.optional(v.unknown()),
  deleted_at: v.optional(v.unknown()),
  deleted_by: v.optional(v.unknown()),
});
export type TagCreate = v.InferOutput<typeof tagCreateSchema>;

export const customerTagSchema = v.pipe(
  v.strictObject({
    id: v.string(),
    tag: v.string(),
    metadata: v.optional(v.record(v.string(), v.unknown())),
    created_at: instant,
    created_by: v.string(),
    updated_at: instant,
    deleted_at: v.optional(instant),
    deleted_by: v.optional(v.string()),
  }),
  v.metadata({ ref: 'CustomerTag', description: 'A tag (group) customers can carry: `id` is what `tag_ids` hold' }),
);

/** Tag ids as customers carry them: at most 100 per customer. */
export const tagIdList = v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(255))), v.maxLength(100));

/** `PUT /users/{customer_id}/tags`: Dintero's bare `string[]`, or rabatt's earlier `{tag_ids}`. */
export const customerTagsObjectSchema = v.strictObject({ tag_ids: tagIdList });
export const customerTagsPutSchema = v.union([tagIdList, customerTagsObjectSchema]);
/** Each shape validated on its own, so errors name `tag_ids` or the array's index, not the union. */
export const parseCustomerTagsPut = (raw: unknown): string[] =>
  Array.isArray(raw) ? parse(tagIdList, raw) : parse(customerTagsObjectSchema, raw).tag_ids;

export const changeCustomerIdSchema = v.strictObject({ customer_id: customerIdSchema });
