/**
 * The one error shape of the API: `{"error": {code, message, errors?}}`.
 *
 * An ApiError keeps its whole body JSON-encoded in `message`, because errors thrown inside the
 * account's Durable Object cross the RPC boundary as plain Errors that keep only their message.
 * `toErrorBody` reads it back on either side.
 */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export interface ErrorBody {
  code: string;
  message: string;
  errors?: FieldError[];
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 503;

const MARK = 'rabatt-error:';

export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(MARK + JSON.stringify({ status, code, message: detail, errors }));
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, errors?: FieldError[]) => new ApiError(400, 'bad_request', message, errors);
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);
export const fieldError = (field: string, message: string, code = 'invalid') =>
  new ApiError(400, 'validation_error', 'The request is invalid', [{ field, code, message }]);

/** Turns anything thrown (locally or across RPC) into a status and the API's error body. */
export function toErrorBody(err: unknown): { status: ErrorStatus; body: ErrorBody } | undefined {
  // Across RPC the message arrives prefixed with the error's name ("ApiError: rabatt-error:{...}").
  const at = err instanceof Error ? err.message.indexOf(MARK) : -1;
  if (at < 0) return undefined;
  try {
    const { status, ...body } = JSON.parse((err as Error).message.slice(at + MARK.length)) as ErrorBody & {
      status: ErrorStatus;
    };
    return { status, body };
  } catch {
    return undefined;
  }
}
