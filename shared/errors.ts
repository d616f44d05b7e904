import type { ErrorCode } from './schemas/error';

/**
 * Domain errors: what went wrong, in the store's words, without HTTP. A DomainError has a `kind`
 * (which the HTTP layer maps to a status in functions/errors.ts, the one table), a public `code`
 * clients switch on (one of ERROR_CODES in shared/schemas/error.ts), a message, and field errors
 * where they apply. Thrown inside the account object it rolls the transaction back; it crosses RPC
 * as a value (shared/store/rpc-errors.ts).
 *
 * - `invalid`: the request breaks a rule of its own (a field, a combination, an unknown cursor).
 * - `refused`: a valid request the current state refuses (a claim over its limit, too few stamps).
 *   Answered like `invalid`; kept apart because Dintero's callbacks log a refusal as an outcome.
 * - `unauthorized`: the object checks a credential it alone holds (Dintero's callback signature).
 * - `forbidden`: understood and not allowed (another account's session, callbacks not set up).
 * - `not_found`, `conflict`: as named.
 * - `unavailable`: the server is set up wrongly (a Worker secret missing); not the client's fault.
 * - `internal`: storage contradicts itself; a bug, logged where it happens.
 */
export const ERROR_KINDS = [
  'invalid',
  'refused',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'unavailable',
  'internal',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  errors?: FieldError[];
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /** The public part: what an answer's `error` holds. */
  body(): ErrorBody {
    return { code: this.code, message: this.message, ...(this.errors && { errors: this.errors }) };
  }
}

const INVALID_REQUEST = 'The request is invalid';

export const invalid = (message: string, errors?: FieldError[]) =>
  new DomainError('invalid', 'bad_request', message, errors);
export const validationError = (errors: FieldError[]) =>
  new DomainError('invalid', 'validation_error', INVALID_REQUEST, errors);
export const fieldError = (field: string, message: string, code = 'invalid') =>
  validationError([{ field, code, message }]);
export const refused = (message: string, errors?: FieldError[]) =>
  new DomainError('refused', 'bad_request', message, errors);
export const forbidden = (message: string, code: ErrorCode = 'forbidden') =>
  new DomainError('forbidden', code, message);
/** What only an import may do (`keep_id=true`, docs/api-decisions.md "Imports"). */
export function requireImportAdmin(scopes: readonly string[]): void {
  if (!scopes.includes('admin:discounts')) throw forbidden('keep_id=true needs admin:discounts');
}
export const notFound = (what: string) => new DomainError('not_found', 'not_found', `${what} not found`);
export const conflict = (message: string, errors?: FieldError[]) =>
  new DomainError('conflict', 'conflict', message, errors);
export const internal = (message: string) => new DomainError('internal', 'internal_error', message);
