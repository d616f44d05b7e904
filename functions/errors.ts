import { HTTPException } from 'hono/http-exception';
import { DomainError, type ErrorBody, type ErrorKind, type FieldError } from '../shared/errors';
import type { ErrorCode } from '../shared/schemas/error';

export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 501 | 503;

/** The one table from a domain error's kind to its HTTP status (kinds: shared/errors.ts). */
export const STATUS_OF_KIND: Record<ErrorKind, ErrorStatus> = {
  invalid: 400,
  refused: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

/**
 * What only the HTTP layer decides: a missing or wrong token or client secret, a method, a body
 * too large or not JSON, a Worker secret the routes need. The store never throws these.
 */
export class HttpError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const INTERNAL_ERROR: ErrorBody = { code: 'internal_error', message: 'Something went wrong on our side' };

/** The status and body for anything thrown in a request; undefined for a bug (answered 500 by the caller). */
export function errorAnswer(err: unknown): { status: ErrorStatus; body: ErrorBody } | undefined {
  if (err instanceof DomainError) return { status: STATUS_OF_KIND[err.kind], body: err.body() };
  if (err instanceof HttpError) {
    const body: ErrorBody = { code: err.code, message: err.message, ...(err.errors && { errors: err.errors }) };
    return { status: err.status, body };
  }
  if (err instanceof HTTPException) {
    // Hono's own (malformed JSON from its validator is the one the app can meet). Its messages
    // describe the problem without echoing the body.
    const status = err.status as ErrorStatus;
    const code: ErrorCode = status === 401 ? 'unauthorized' : status >= 500 ? 'internal_error' : 'bad_request';
    return { status, body: { code, message: err.message || 'Bad request' } };
  }
  return undefined;
}
