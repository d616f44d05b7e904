import * as v from 'valibot';
import { intParam } from './common';

/**
 * Code pools (docs/codes.md): unique codes of one rule, generated or imported. One schema per
 * request and answer feeds both validation and the OpenAPI document.
 */

/** Codes one request may create. */
export const MAX_CODES_PER_CALL = 1000;
/** Codes one rule's pool may hold (docs/codes.md, "Limits"). */
export const MAX_CODES_PER_RULE = 2_000_000;
/** Uses one code may have. */
export const MAX_CODE_USAGE = 1_000_000;
/** Characters of a generated code after its prefix: 10 × log2(31) ≈ 49.5 bits of randomness. */
export const GENERATED_LENGTH = 10;
/** Generated codes use these 31 characters: digits and capitals without the look-alikes 0/O, 1/I/L. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** Printable, no whitespace or control characters: what a shopper can type and a till can send. */
const CODE_CHARS = /^[^\s\p{Cc}]+$/u;

export const codeText = v.pipe(
  v.string(),
  v.minLength(1, 'Expected a non-empty code'),
  v.maxLength(255, 'Expected at most 255 characters'),
  v.regex(CODE_CHARS, 'Expected a code without spaces or control characters'),
);

const usage = v.optional(
  v.pipe(
    v.number(),
    v.integer('Expected an integer'),
    v.minValue(1, 'Expected at least 1'),
    v.maxValue(MAX_CODE_USAGE, `Expected at most ${MAX_CODE_USAGE}`),
    v.description('How many purchases one code can be used in'),
  ),
  1,
);

const generateSchema = v.strictObject({
  count: v.pipe(
    v.number(),
    v.integer('Expected an integer'),
    v.minValue(1, 'Expected at least 1'),
    v.maxValue(MAX_CODES_PER_CALL, `Expected at most ${MAX_CODES_PER_CALL}`),
    v.description('How many random codes to generate'),
  ),
  prefix: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(32, 'Expected at most 32 characters'),
      v.regex(/^[^\s\p{Cc}]*$/u, 'Expected a prefix without spaces or control characters'),
      v.description('Put before each generated code'),
    ),
    '',
  ),
  usage,
});

const importSchema = v.strictObject({
  codes: v.pipe(
    v.array(codeText),
    v.minLength(1, 'Expected at least one code'),
    v.maxLength(MAX_CODES_PER_CALL, `Expected at most ${MAX_CODES_PER_CALL} codes`),
    v.description('Codes to import as they are (case sensitive)'),
  ),
  usage,
});

/** `{count, prefix?, usage?}` generates; `{codes, usage?}` imports. */
export const codesCreateSchema = v.pipe(
  v.union([generateSchema, importSchema], 'Expected either count (generate) or codes (import)'),
  v.metadata({ ref: 'DiscountCodesCreate', description: 'Generate random codes or import given ones' }),
);
export type CodesCreate = v.InferOutput<typeof codesCreateSchema>;

export const codeSchema = v.pipe(
  v.strictObject({
    code: v.string(),
    usage: v.number(),
    used: v.pipe(v.number(), v.description('Purchases that used the code (released claims give theirs back)')),
    created_at: v.string(),
    last_used_at: v.nullable(v.string()),
  }),
  v.metadata({ ref: 'DiscountCode', description: 'One code of a rule’s pool' }),
);
export type PoolCode = v.InferOutput<typeof codeSchema>;

export const codesCreatedSchema = v.pipe(
  v.strictObject({
    created: v.number(),
    codes: v.array(v.string()),
  }),
  v.metadata({
    ref: 'DiscountCodesCreated',
    description: 'The codes this call added (codes already in the pool are left as they are and not listed)',
  }),
);

export const codeListQuerySchema = v.strictObject({
  state: v.optional(
    v.pipe(
      v.picklist(['available', 'used', 'all']),
      v.description('available: uses left; used: used at least once; all (default)'),
    ),
    'all',
  ),
  limit: v.optional(intParam(1, 1000), '100'),
  starting_after: v.optional(v.pipe(codeText, v.description('Continue after this code (codes page in code order)'))),
});
export type CodeListQuery = v.InferOutput<typeof codeListQuerySchema>;

/** `:code` in a path: one that cannot be a code answers 404. */
export const codeParam = v.pipe(v.string(), v.minLength(1, 'Code not found'), v.maxLength(255, 'Code not found'));
