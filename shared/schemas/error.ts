import * as v from 'valibot';

/**
 * Every `error.code` the API answers, in one list: clients switch on these. A DomainError
 * (shared/errors.ts) or an HttpError (functions/errors.ts) takes only one of them, and
 * test/app/error-codes.node.test.ts checks the source for codes written anywhere else.
 */
export const ERROR_CODES = [
  'bad_request',
  'validation_error',
  'not_found',
  'conflict',
  'unauthorized',
  'invalid_token',
  'invalid_client',
  'invalid_signature',
  'forbidden',
  'signature_not_configured',
  'signature_reused',
  'rate_limited',
  'method_not_allowed',
  'payload_too_large',
  'unsupported_media_type',
  'internal_error',
  'token_signing_unavailable',
  'secrets_key_missing',
  'secret_unreadable',
  'account_overloaded',
  'temporarily_unavailable',
  'ref_deleted',
  'not_implemented',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The one error body of the API (spec §1), as documented and as checked by the contract test. */
export const errorBodySchema = v.pipe(
  v.strictObject({
    error: v.strictObject({
      code: v.picklist(ERROR_CODES),
      message: v.string(),
      errors: v.optional(v.array(v.strictObject({ field: v.string(), code: v.string(), message: v.string() }))),
    }),
  }),
  v.metadata({
    ref: 'ErrorBody',
    description:
      'Every non-2xx answer: a code (one of a fixed list, safe to switch on), a message, and per-field ' +
      'problems for 400',
  }),
);
