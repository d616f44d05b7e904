/**
 * OpenAPI for every route, from the same valibot schemas that validate it.
 *
 * A route is declared by one `operation(...)` middleware placed first (functions/operation.ts: it
 * gives both this document, through `doc`, and the runtime scope check); request parameters and
 * bodies are documented by `jsonBody` / `queryOf` / `paramOf` (functions/validate.ts) themselves:
 *
 *   .get('/:did',
 *     operation({ tags: ['Rules'], summary: 'Read a rule', scopes: scopes.read('discounts'),
 *                 responses: { 200: ok(ruleSchema, 'The rule', exampleRule) }, errors: [409] }),
 *     didParam, async (c) => ...)
 *
 * - `scopes`: the scopes any one of which grants the call (bearer JWT), `'public'` for no auth, or
 *   `'client'` for HTTP Basic client credentials (the token endpoint).
 * - `responses`: the success answers (`ok(schema, description, example?)`, `noContent(description)`).
 * - `errors`: statuses beyond the standard ones. Standard ones are added for you: 400 and 500 always,
 *   401/403 when authenticated, and (by `finishDocument`) 404 for paths with an id, 413/415 for JSON
 *   bodies. All use the one `ErrorBody` component.
 * - `requestExample`: an example JSON body (shown next to the body schema from `jsonBody`).
 * - Any other OpenAPI operation field (`description`, `operationId`, `deprecated`, ...) passes through.
 *
 * The contract test (test/openapi/contract.test.ts) calls every documented route and checks each
 * answer against the schema given here, so what is documented is what is answered.
 */
import * as v from 'valibot';
import { describeRoute, resolver, uniqueSymbol } from 'hono-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Scope } from '../shared/auth/scopes';
import { JSON_SCHEMA_OF } from '../shared/schemas/common';
import { errorBodySchema } from '../shared/schemas/error';
import type { ErrorStatus } from './errors';

/**
 * Requests are documented as sent (conversion stops at the first transform); answers as produced.
 * Checks (`v.check`) have no JSON Schema form and are left out rather than failing the document.
 * hono-openapi hands `options` on to @valibot/to-json-schema.
 */
/** Custom checks are documented by the form they declared with `documentedAs` (shared/schemas/common.ts). */
const overrideSchema = ({ valibotSchema }: { valibotSchema: object }) => JSON_SCHEMA_OF.get(valibotSchema);
const REQUEST_SCHEMA_OPTIONS = {
  options: { typeMode: 'input', errorMode: 'ignore', target: 'draft-2020-12', overrideSchema },
} as const;
const RESPONSE_SCHEMA_OPTIONS = {
  options: { typeMode: 'output', errorMode: 'ignore', target: 'draft-2020-12', overrideSchema },
} as const;

export const BEARER = 'bearerAuth';
const REQUEST_EXAMPLE = 'x-request-example';
export const CLIENT_BASIC = 'clientCredentials';

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'Invalid request: `errors` names each field',
  401: 'Missing, invalid or expired access token',
  403: 'The token lacks the scope, or is for another account',
  404: 'No such object',
  405: 'Method not allowed on this path',
  409: 'Conflicts with the current state',
  413: 'Body larger than 1 MiB',
  415: 'Body must be application/json',
  429: 'Rate limited',
  500: 'A bug on our side',
  501: 'Not served by rabatt (docs/customers.md, "Not served")',
  503: 'Temporarily unavailable',
};

type Resolved = ReturnType<typeof resolver>;
export interface ResponseDoc {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: Resolved | Record<string, unknown>; example?: unknown }>;
}

/** A JSON success answer with `schema` (a valibot schema; a list is `v.array(item)`). */
export function ok(
  schema: v.GenericSchema,
  description: string,
  example?: unknown,
  headers?: Record<string, unknown>,
): ResponseDoc {
  return {
    description,
    ...(headers && { headers }),
    content: {
      'application/json': {
        schema: resolver(schema, RESPONSE_SCHEMA_OPTIONS),
        ...(example !== undefined && { example }),
      },
    },
  };
}

export const noContent = (description: string): ResponseDoc => ({ description });

/** The `total-count` header of lists asked with `total=true` (spec §1). */
export const totalCountHeader = {
  'total-count': {
    description: 'Number of matching objects, when asked with total=true',
    schema: { type: 'integer', minimum: 0 },
  },
};

export function errorResponse(status: ErrorStatus): ResponseDoc {
  return {
    description: ERROR_DESCRIPTIONS[status],
    content: { 'application/json': { schema: resolver(errorBodySchema, RESPONSE_SCHEMA_OPTIONS) } },
  };
}

export interface RouteDoc {
  tags: string[];
  summary: string;
  description?: string;
  scopes: readonly Scope[] | 'public' | 'client';
  responses: Record<number, ResponseDoc>;
  errors?: ErrorStatus[];
  requestExample?: unknown;
  [field: string]: unknown;
}

export function doc({ scopes, responses, errors = [], requestExample, ...rest }: RouteDoc): MiddlewareHandler {
  const statuses = new Set<ErrorStatus>([400, 500, ...errors]);
  if (scopes !== 'public') statuses.add(401);
  if (Array.isArray(scopes)) statuses.add(403);
  const all: Record<string, ResponseDoc> = {};
  for (const status of [...statuses].sort()) all[status] = errorResponse(status);
  for (const [status, response] of Object.entries(responses)) all[status] = response;
  const security =
    scopes === 'public' ? [] : scopes === 'client' ? [{ [CLIENT_BASIC]: [] }] : [{ [BEARER]: [...scopes] }];
  const description =
    rest.description ??
    (Array.isArray(scopes) ? `Needs one of the scopes: ${scopes.map((s) => `\`${s}\``).join(', ')}.` : undefined);
  return describeRoute({
    ...rest,
    ...(description && { description }),
    security,
    responses: all,
    // The body's schema arrives later from `jsonBody`, which would replace an example put there now.
    ...(requestExample !== undefined && { [REQUEST_EXAMPLE]: requestExample }),
  } as Parameters<typeof describeRoute>[0]);
}

/**
 * Makes a validator middleware (ours, which throws a DomainError or HttpError) also document its input, exactly as
 * hono-openapi's own `validator` does, so the generator picks it up.
 */
export function documented<M extends object>(
  middleware: M,
  target: 'json' | 'query' | 'param' | 'header',
  schema: v.GenericSchema,
): M {
  const shown = target === 'json' ? schema : parameterSchema(schema);
  return Object.assign(middleware, {
    [uniqueSymbol]: { target, ...resolver(shown, REQUEST_SCHEMA_OPTIONS), options: REQUEST_SCHEMA_OPTIONS },
  });
}

type Item = { kind: string; type: string; [k: string]: unknown };

/**
 * Query and path parameters arrive as strings and are transformed while validated; a client
 * should see what they mean. A parameter parsed into a number is documented as that number
 * (`intParam`), and one normalised into an array as the array (`repeated`: give it several times).
 */
function parameterSchema(schema: v.GenericSchema): v.GenericSchema {
  const object = ('pipe' in schema ? (schema.pipe as Item[])[0] : schema) as unknown as {
    entries?: Record<string, v.GenericSchema>;
  };
  if (!object.entries) return schema;
  return v.object(
    Object.fromEntries(Object.entries(object.entries).map(([key, entry]) => [key, parameterEntry(entry)])),
  );
}

function parameterEntry(entry: v.GenericSchema): v.GenericSchema {
  if (entry.type === 'optional') {
    const { wrapped, default: fallback } = entry as unknown as { wrapped: v.GenericSchema; default?: unknown };
    const inner = parameterEntry(wrapped);
    const numeric = inner !== wrapped && typeof fallback === 'string' && /^-?\d+$/.test(fallback);
    return v.optional(inner, numeric ? Number(fallback) : (fallback as never));
  }
  if (!('pipe' in entry)) return entry;
  const pipe = entry.pipe as Item[];
  const transform = pipe.findIndex((item) => item.type === 'transform');
  if (transform < 0) return entry;
  const lastSchema = pipe.map((item) => item.kind).lastIndexOf('schema');
  if (lastSchema > transform) return v.pipe(...(pipe.slice(lastSchema) as unknown as [v.GenericSchema]));
  if (pipe[transform]!.operation === Number) {
    const integer = pipe.some((item) => item.type === 'regex' && String(item.requirement) === String(/^-?\d+$/));
    const after = pipe.slice(transform + 1).filter((item) => item.kind === 'validation');
    return v.pipe(integer ? v.pipe(v.number(), v.integer()) : v.number(), ...(after as never[]));
  }
  return entry;
}

const ACCOUNT_PARAMETER = {
  in: 'path',
  name: 'aid',
  required: true,
  description: 'The account: T for test, P for production, then 8 digits',
  schema: { type: 'string', pattern: '^[PT]\\d{8}$', examples: ['T12345678'] },
};

type Operation = {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { example?: unknown }> };
  responses: Record<string, unknown>;
  [REQUEST_EXAMPLE]?: unknown;
};

/**
 * Completes what the generator produced: standard errors that follow from the path and body,
 * the account parameter, request examples, and the security schemes.
 */
export function finishDocument(spec: Record<string, unknown>): Record<string, unknown> {
  const paths = spec.paths as Record<string, Record<string, Operation>>;
  for (const [path, operations] of Object.entries(paths)) {
    const hasId = /\{(?!aid\})[^}]+\}/.test(path);
    for (const op of Object.values(operations)) {
      if (op.parameters) {
        op.parameters = op.parameters.map((p) => (p.in === 'path' && p.name === 'aid' ? ACCOUNT_PARAMETER : p));
      }
      const add = (status: ErrorStatus) => {
        op.responses[status] ??= errorDocument(status);
      };
      if (hasId) add(404);
      if (op.requestBody) {
        add(413);
        add(415);
        const example = op[REQUEST_EXAMPLE];
        const media = op.requestBody.content?.['application/json'];
        if (example !== undefined && media) media.example = example;
      }
      delete op[REQUEST_EXAMPLE];
      op.responses = Object.fromEntries(Object.entries(op.responses).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  const components = (spec.components ?? {}) as Record<string, unknown>;
  components.securitySchemes = {
    [BEARER]: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'An access token from `POST /v1/accounts/{aid}/auth/token`, bound to one account. It carries scopes; ' +
        'an operation lists the scopes any one of which grants it.',
    },
    [CLIENT_BASIC]: {
      type: 'http',
      scheme: 'basic',
      description: 'Client credentials: `Basic base64(client_id:client_secret)`',
    },
  };
  spec.components = components;
  return spec;
}

/** An error answer referring to the shared ErrorBody component (for statuses added after generation). */
function errorDocument(status: ErrorStatus) {
  return {
    description: ERROR_DESCRIPTIONS[status],
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
  };
}
