import * as v from 'valibot';
import type { MiddlewareHandler } from 'hono';
import { validator } from 'hono/validator';
import { ApiError, type FieldError } from './errors';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './json';
import { documented } from './openapi';

type AnySchema = v.GenericSchema;

/**
 * What a validator tells Hono's types: clients (hono/client) send the schema's input, handlers
 * read its output. Hono alone would take the output for both.
 */
type Validated<T extends 'json' | 'query' | 'param', S extends AnySchema> = MiddlewareHandler<
  // biome-ignore lint/suspicious/noExplicitAny: Hono's own default for a middleware's env: any route's env fits.
  any,
  string,
  { in: { [K in T]: v.InferInput<S> }; out: { [K in T]: v.InferOutput<S> } }
>;
const SAFE_KEY = /^[A-Za-z0-9_:\-[\]]{1,64}$/;

/** Valibot issues as API field errors. Messages name what was expected, never what was sent. */
export function toFieldErrors(issues: readonly v.BaseIssue<unknown>[]): FieldError[] {
  return issues.map((issue) => {
    // Keys are the client's own words; only plain identifiers are repeated back, values never are.
    const field =
      (issue.path ?? []).map((p) => (SAFE_KEY.test(String(p.key)) ? String(p.key) : '(unnamed)')).join('.') || '(body)';
    const message =
      issue.kind === 'validation' && issue.message && !issue.message.startsWith('Invalid ')
        ? issue.message
        : issue.type === 'strict_object' || issue.type === 'never'
          ? 'Unknown field'
          : issue.expected
            ? `Expected ${issue.expected}`
            : `Invalid ${issue.type}`;
    return { field, code: issue.type, message };
  });
}

export function parseOr400<S extends AnySchema>(schema: S, value: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, value, { abortPipeEarly: true });
  if (!result.success) {
    throw new ApiError(400, 'validation_error', 'The request is invalid', toFieldErrors(result.issues));
  }
  return result.output;
}

const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i;

/** Whether a Content-Type header names JSON (`application/json`, `application/<x>+json`, any parameters). */
export const isJsonMedia = (contentType: string | undefined): boolean =>
  JSON_MEDIA.test((contentType ?? '').split(';')[0]!.trim());

/** A JSON body validated by `schema`; 415 without a JSON content type, 400 for malformed JSON. */
export const jsonBody = <S extends AnySchema>(schema: S): Validated<'json', S> =>
  documented(
    validator('json', (value, c): v.InferOutput<S> => {
      if (!isJsonMedia(c.req.header('content-type'))) {
        throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json');
      }
      // Valibot's object schemas accept arrays; every body of this API is a JSON object.
      if (!isPlainObject(value)) {
        throw new ApiError(400, 'validation_error', 'The request is invalid', [
          { field: '(body)', code: 'type', message: 'Expected a JSON object' },
        ]);
      }
      // Free-form fields (metadata, loose receipt fields) are copied across RPC, which fails on
      // absurd nesting: refuse it here instead.
      if (jsonDepthExceeds(value, MAX_JSON_DEPTH)) {
        throw new ApiError(400, 'validation_error', 'The request is invalid', [
          { field: '(body)', code: 'depth', message: `Expected JSON nested at most ${MAX_JSON_DEPTH} levels deep` },
        ]);
      }
      return parseOr400(schema, value);
    }),
    'json',
    schema,
  ) as unknown as Validated<'json', S>;

/** Query parameters validated by `schema`; a repeated parameter arrives as an array. */
export const queryOf = <S extends AnySchema>(schema: S): Validated<'query', S> =>
  documented(
    validator('query', (value): v.InferOutput<S> => parseOr400(schema, value)),
    'query',
    schema,
  ) as unknown as Validated<'query', S>;

/** Path parameters; an id that cannot exist answers 404 with the schema's message. */
export const paramOf = <E extends Record<string, v.GenericSchema<string, string>>>(
  entries: E,
): Validated<'param', v.ObjectSchema<E, undefined>> => {
  const schema = v.object(entries);
  return documented(
    validator('param', (value): v.InferOutput<typeof schema> => {
      const result = v.safeParse(schema, value);
      if (!result.success) throw new ApiError(404, 'not_found', result.issues[0]?.message ?? 'Not found');
      return result.output;
    }),
    'param',
    schema,
  ) as unknown as Validated<'param', typeof schema>;
};

export const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
