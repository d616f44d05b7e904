import * as v from 'valibot';
import { validationError, type FieldError } from '../errors';

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

/**
 * `value` checked by `schema`, or an `invalid` DomainError (`validation_error`) naming each field.
 * The one way the store and the routes validate: no HTTP here, the routes' validators call it too.
 */
export function parse<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, value, { abortPipeEarly: true });
  if (!result.success) throw validationError(toFieldErrors(result.issues));
  return result.output;
}
