import * as v from 'valibot';
import { validator } from 'hono/validator';
import { ApiError, type FieldError } from './errors';

type AnySchema = v.GenericSchema;

/** Valibot issues as API field errors. Messages name what was expected, never what was sent. */
export function toFieldErrors(issues: readonly v.BaseIssue<unknown>[]): FieldError[] {
  return issues.map((issue) => {
    const field = (issue.path ?? []).map((p) => String(p.key)).join('.') || '(body)';
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

/** A JSON body validated by `schema`; 415 without a JSON content type, 400 for malformed JSON. */
export const jsonBody = <S extends AnySchema>(schema: S) =>
  validator('json', (value, c): v.InferOutput<S> => {
    const media = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
    if (!JSON_MEDIA.test(media)) {
      throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json');
    }
    return parseOr400(schema, value);
  });

/** Query parameters validated by `schema`; a repeated parameter arrives as an array. */
export const queryOf = <S extends AnySchema>(schema: S) =>
  validator('query', (value): v.InferOutput<S> => parseOr400(schema, value));

/** Path parameters; an id that cannot exist answers 404 with the schema's message. */
export const paramOf = <E extends Record<string, v.GenericSchema<string, string>>>(entries: E) => {
  const schema = v.object(entries);
  return validator('param', (value): v.InferOutput<typeof schema> => {
    const result = v.safeParse(schema, value);
    if (!result.success) throw new ApiError(404, 'not_found', result.issues[0]?.message ?? 'Not found');
    return result.output;
  });
};
