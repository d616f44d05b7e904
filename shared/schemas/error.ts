import * as v from 'valibot';

/** The one error body of the API (spec §1), as documented and as checked by the contract test. */
export const errorBodySchema = v.pipe(
  v.strictObject({
    error: v.strictObject({
      code: v.string(),
      message: v.string(),
      errors: v.optional(v.array(v.strictObject({ field: v.string(), code: v.string(), message: v.string() }))),
    }),
  }),
  v.metadata({
    ref: 'ErrorBody',
    description: 'Every non-2xx answer: a code, a message, and per-field problems for 400',
  }),
);
