import * as v from 'valibot';
import type { MiddlewareHandler } from 'hono';
import { validator } from 'hono/validator';
import { DomainError, validationError } from '../shared/errors';
import { isPlainObject, jsonDepthExceeds, MAX_JSON_DEPTH } from '../shared/json';
import { parse } from '../shared/schemas/parse';
import { HttpError } from './errors';
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
const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i;

/** Whether a Content-Type header names JSON (`application/json`, `application/<x>+json`, any parameters). */
export const isJsonMedia = (contentType: string | undefined): boolean =>
  JSON_MEDIA.test((contentType ?? '').split(';')[0]!.trim());

/**
 * A JSON body validated by `schema`; 415 without a JSON content type, 400 for malformed JSON.
 * Bodies are JSON objects, except where Dintero's operation takes an array (`{ array: true }`).
 */
export const jsonBody = <S extends AnySchema>(schema: S, opts: { array?: boolean } = {}): Validated<'json', S> =>
  documented(
    validator('json', (value, c): v.InferOutput<S> => {
      if (!isJsonMedia(c.req.header('content-type'))) {
        throw new HttpError(415, 'unsupported_media_type', 'Send the body as application/json');
      }
      // Valibot's object schemas accept arrays; every body of this API is a JSON object.
      if (!isPlainObject(value) && !(opts.array && Array.isArray(value))) {
        throw validationError([{ field: '(body)', code: 'type', message: 'Expected a JSON object' }]);
      }
      // Free-form fields (metadata, loose receipt fields) are copied across RPC, which fails on
      // absurd nesting: refuse it here instead.
      if (jsonDepthExceeds(value, MAX_JSON_DEPTH)) {
        throw validationError([
          { field: '(body)', code: 'depth', message: `Expected JSON nested at most ${MAX_JSON_DEPTH} levels deep` },
        ]);
      }
      return parse(schema, value);
    }),
    'json',
    schema,
  ) as unknown as Validated<'json', S>;

/** Query parameters validated by `schema`; a repeated parameter arrives as an array. */
export const queryOf = <S extends AnySchema>(schema: S): Validated<'query', S> =>
  documented(
    validator('query', (value): v.InferOutput<S> => parse(schema, value)),
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
      if (!result.success) throw new DomainError('not_found', 'not_found', result.issues[0]?.message ?? 'Not found');
      return result.output;
    }),
    'param',
    schema,
  ) as unknown as Validated<'param', typeof schema>;
};
