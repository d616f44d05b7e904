import * as v from 'valibot';
import { isJsonPath, parsePath } from '../automations/jsonpath';
import { validNumeric, type Filter } from '../automations/filter';
import { dateTime, documentedAs, intParam, serverOwned, uuid } from './common';
import { entityFields, instant } from './responses';

/** Automations (docs/automations.md): Dintero's `Automation`, validated here. */
export const AUTOMATION_EVENTS = [
  'customer_add',
  'customer_update',
  'customer_remove',
  'token_add',
  'token_remove',
  'receipt_add',
] as const;
export type AutomationEventName = (typeof AUTOMATION_EVENTS)[number];

/** Limits, each written in docs/automations.md. */
export const AUTOMATION_LIMITS = {
  filterKeys: 20,
  patternsPerKey: 100,
  actions: 10,
  httpBodyChars: 16_384,
  urlChars: 2048,
  /** Live (not deleted) automations per account. */
  perAccount: 50,
  /** Actions (discounts and HTTP calls together) one event may run; later automations do not act on it. */
  actionsPerEvent: 20,
  /** Deliveries one write may queue (an import of many customers is one write). */
  deliveriesPerWrite: 200,
  /** `requirement.filter` as JSON, and segments per JSONPath: filters are evaluated in bounded time. */
  filterChars: 16_384,
  pathSegments: 16,
} as const;

const scalar = v.union([v.pipe(v.string(), v.maxLength(1000)), v.number(), v.boolean(), v.null()]);
const anythingBut = v.strictObject({
  'anything-but': v.union([scalar, v.pipe(v.array(scalar), v.minLength(1), v.maxLength(100))]),
});
const numeric = v.strictObject({
  numeric: v.pipe(
    v.array(v.union([v.string(), v.number()])),
    v.check(
      (n: (string | number)[]) => validNumeric(n),
      'Expected ["<op>", number] or ["<op>", number, "<op>", number]; op one of < <= = >= >',
    ),
  ),
});
const filterSchema = v.pipe(
  v.record(
    v.pipe(v.string(), v.check(isJsonPath, 'Expected a JSONPath such as $.store.id or $.addresses[*].postal_code')),
    v.pipe(
      v.array(v.union([scalar, anythingBut, numeric], 'Expected a value, {"anything-but": ...} or {"numeric": [...]}')),
      v.minLength(1, 'Expected at least one value'),
      v.maxLength(AUTOMATION_LIMITS.patternsPerKey),
    ),
  ),
  v.check((f) => Object.keys(f).length <= AUTOMATION_LIMITS.filterKeys, `Expected at most 20 keys`),
  v.check(
    (f) => Object.keys(f).every((path) => (parsePath(path)?.length ?? 0) <= AUTOMATION_LIMITS.pathSegments),
    `Expected JSONPaths of at most ${AUTOMATION_LIMITS.pathSegments} segments`,
  ),
  v.check(
    (f) => JSON.stringify(f).length <= AUTOMATION_LIMITS.filterChars,
    `Expected at most ${AUTOMATION_LIMITS.filterChars} characters as JSON`,
  ),
);

const discountAction = v.strictObject({ type: v.literal('discount'), id: uuid });
const httpAction = v.strictObject({
  type: v.literal('http'),
  url: v.pipe(v.string(), v.maxLength(AUTOMATION_LIMITS.urlChars), v.url('Expected an absolute URL')),
  method: v.pipe(
    v.string(),
    v.transform((m) => m.toUpperCase()),
    v.picklist(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], 'Expected GET, POST, PUT, PATCH or DELETE'),
  ),
  // A header value: no CR, LF or other control character (they would split or break the call).
  content_type: v.optional(
    v.pipe(
      v.string(),
      v.minLength(1),
      v.maxLength(255),
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
      v.regex(/^[^\u0000-\u001f\u007f]+$/, 'Expected a media type without control characters (CR, LF, tab)'),
    ),
  ),
  body: v.optional(
    v.union([
      v.pipe(v.string(), v.maxLength(AUTOMATION_LIMITS.httpBodyChars)),
      v.pipe(
        documentedAs(
          v.custom<Record<string, unknown> | unknown[]>((x) => typeof x === 'object' && x !== null, 'Expected JSON'),
          { type: ['object', 'array'] },
        ),
        v.check((x) => JSON.stringify(x).length <= AUTOMATION_LIMITS.httpBodyChars, 'Expected at most 16384 chars'),
      ),
    ]),
  ),
});
const actionSchema = v.variant('type', [discountAction, httpAction], 'Expected type "discount" or "http"');

const repeat = v.pipe(
  v.number(),
  v.integer('Expected an integer'),
  v.check((n) => n === -1 || (n >= 1 && n <= 1_000_000), 'Expected -1 (no limit) or 1 to 1000000'),
);

export const automationCreateSchema = v.pipe(
  v.strictObject({
    ...serverOwned(),
    name: v.optional(v.pipe(v.string(), v.maxLength(1000))),
    description: v.optional(v.pipe(v.string(), v.maxLength(10000))),
    requirement: v.pipe(
      v.strictObject({
        automation_from: dateTime,
        automation_to: dateTime,
        events: v.pipe(
          v.array(v.picklist(AUTOMATION_EVENTS, `Expected one of: ${AUTOMATION_EVENTS.join(', ')}`)),
          v.minLength(1, 'Expected at least one event'),
          v.maxLength(AUTOMATION_EVENTS.length),
        ),
        filter: v.optional(filterSchema),
        // The spelling of Dintero's own examples; stored and answered as `filter`.
        filters: v.optional(filterSchema),
      }),
      v.forward(
        v.check((r) => Date.parse(r.automation_from) < Date.parse(r.automation_to), 'Expected after automation_from'),
        ['automation_to'],
      ),
      v.forward(
        v.check((r) => !(r.filter && r.filters), 'Send filter or filters, not both'),
        ['filters'],
      ),
    ),
    limitation: v.optional(v.strictObject({ automation_repeat: v.optional(repeat) })),
    actions: v.pipe(
      v.array(actionSchema),
      v.minLength(1, 'Expected at least one action'),
      v.maxLength(AUTOMATION_LIMITS.actions),
    ),
  }),
  v.transform(({ requirement: { filters, filter, ...requirement }, limitation, actions, name, description }) => ({
    ...(name !== undefined && { name }),
    ...(description !== undefined && { description }),
    requirement: {
      ...requirement,
      events: [...new Set(requirement.events)],
      ...((filter ?? filters) && { filter: (filter ?? filters) as Filter }),
    },
    limitation: { automation_repeat: limitation?.automation_repeat ?? 1 },
    actions,
  })),
);
export type AutomationInput = v.InferOutput<typeof automationCreateSchema>;
export type AutomationAction = AutomationInput['actions'][number];

export const AUTOMATION_STATES = ['all', 'available', 'deleted'] as const;
export const automationListQuerySchema = v.strictObject({
  limit: v.optional(intParam(1, 100), '10'),
  starting_after: v.optional(v.pipe(v.string(), v.maxLength(255))),
  state: v.optional(v.picklist(AUTOMATION_STATES), 'all'),
});
export type AutomationListQuery = v.InferOutput<typeof automationListQuerySchema>;

// ---- answers

const filterAnswer = v.record(v.string(), v.array(v.unknown()));
export const automationSchema = v.strictObject({
  ...entityFields,
  name: v.optional(v.string()),
  description: v.optional(v.string()),
  requirement: v.strictObject({
    automation_from: instant,
    automation_to: instant,
    events: v.array(v.picklist(AUTOMATION_EVENTS)),
    filter: v.optional(filterAnswer),
  }),
  limitation: v.strictObject({ automation_repeat: v.number() }),
  actions: v.array(
    v.variant('type', [
      v.strictObject({ type: v.literal('discount'), id: v.string() }),
      v.strictObject({
        type: v.literal('http'),
        url: v.string(),
        method: v.string(),
        content_type: v.optional(v.string()),
        body: v.optional(v.unknown()),
      }),
    ]),
  ),
});
export type Automation = v.InferOutput<typeof automationSchema>;

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const deliveryListQuerySchema = v.strictObject({
  limit: v.optional(intParam(1, 100), '10'),
  starting_after: v.optional(v.pipe(v.string(), v.maxLength(255))),
  status: v.optional(v.picklist(DELIVERY_STATUSES)),
});
export type DeliveryListQuery = v.InferOutput<typeof deliveryListQuerySchema>;

/** How an attempt ended (docs/automations.md, "Deliveries"); the last three are never a call. */
export const DELIVERY_OUTCOMES = [
  'success',
  'http_error',
  'network_error',
  'refused_url',
  'render_error',
  'signing_error',
  'refused_request',
] as const;
export const deliveryAttemptSchema = v.strictObject({
  attempt: v.number(),
  at: instant,
  outcome: v.picklist(DELIVERY_OUTCOMES),
  response_code: v.optional(v.number()),
  error: v.optional(v.string()),
  duration_ms: v.number(),
});
export const deliverySchema = v.strictObject({
  id: v.pipe(v.string(), v.uuid()),
  automation_id: v.pipe(v.string(), v.uuid()),
  event: v.picklist(AUTOMATION_EVENTS),
  event_id: v.string(),
  action: v.number(),
  method: v.string(),
  url: v.string(),
  status: v.picklist(DELIVERY_STATUSES),
  attempts: v.array(deliveryAttemptSchema),
  next_attempt_at: v.optional(instant),
  created_at: instant,
  updated_at: instant,
});
export type Delivery = v.InferOutput<typeof deliverySchema>;
export type DeliveryAttempt = v.InferOutput<typeof deliveryAttemptSchema>;

export const signingSecretSchema = v.strictObject({ secret: v.string(), created_at: instant, created_by: v.string() });
export const signingSecretStatusSchema = v.strictObject({
  configured: v.boolean(),
  created_at: v.optional(instant),
  created_by: v.optional(v.string()),
});
