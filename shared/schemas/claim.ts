import * as v from 'valibot';
import { sha256Hex } from '../auth/crypto';
import { canonicalJson } from '../json';
import { entityFields } from './responses';
import { boolParam, dateTime, intParam, money } from './common';
import { customerId } from './ref';

/** Rewards or stamps in one purchase: bounded so counters summed over years stay exact integers. */
const count = v.pipe(
  v.number(),
  v.integer('Expected an integer'),
  v.minValue(0, 'Expected at least 0'),
  v.maxValue(1_000_000, 'Expected at most 1000000'),
);
const text = (max: number) =>
  v.pipe(
    v.string(),
    v.minLength(1, 'Expected a non-empty string'),
    v.maxLength(max, `Expected at most ${max} characters`),
  );

/**
 * One ref of a claim. Loose on purpose: a client may pass the refs available_for_receipt answered
 * (with `statistics`, `items`); only `id, amount, usage, stamp` and a `bonus` above 0 (rules with
 * `effect: bonus`) are kept and stored. A bonus of 0 is dropped, so claims hash as they did before
 * bonuses were kept (a retry of an older claim still replays it).
 */
const claimRefSchema = v.pipe(
  v.object({
    id: text(255),
    amount: money,
    usage: count,
    stamp: v.optional(count, 0),
    bonus: v.optional(money),
  }),
  // Money off is always at least one use: otherwise amounts could be claimed past discount_repeat_usage.
  v.check((r) => r.amount === 0 || r.usage > 0, 'A ref that takes an amount needs a usage of at least 1'),
  v.transform(({ bonus, ...r }) => (bonus ? { ...r, bonus } : r)),
);

const claimDiscountSchema = v.object({
  id: text(255),
  /** The pool code the purchase used (docs/codes.md): as available_for_receipt's discounts[].code said. */
  code: v.optional(text(255)),
  refs: v.pipe(
    v.array(claimRefSchema),
    v.minLength(1, 'Expected at least one ref'),
    v.maxLength(100, 'Expected at most 100 refs'),
  ),
});

/** Refs in one claim, all discounts together (docs/security.md). */
export const MAX_CLAIM_REFS = 200;

export const claimCreateSchema = v.strictObject({
  purchase_at: dateTime,
  /** Seed 002 requires it; we also accept a claim without one, which may only use `/` refs. */
  customer_id: v.optional(customerId),
  discounts: v.pipe(
    v.array(claimDiscountSchema),
    v.minLength(1, 'Expected at least one discount'),
    v.maxLength(100, 'Expected at most 100 discounts'),
    // Each ref is checked and written in the account object, which serves nothing else meanwhile.
    v.check(
      (ds) => ds.reduce((n, d) => n + d.refs.length, 0) <= MAX_CLAIM_REFS,
      `Expected at most ${MAX_CLAIM_REFS} refs in all discounts together`,
    ),
  ),
  ref: v.optional(text(255)),
  type: v.optional(v.pipe(v.string(), v.maxLength(255, 'Expected at most 255 characters'))),
});
export type ClaimCreate = v.InferOutput<typeof claimCreateSchema>;

/**
 * The body `POST .../claims` takes: a claim, and for an import (`keep_id=true`, admin:discounts
 * only) the source's `id` and `created_at`, which are refused without it (docs/claims.md "Imports").
 */
export const claimRequestSchema = v.strictObject({
  ...claimCreateSchema.entries,
  id: v.optional(
    v.pipe(v.string('Expected a UUID'), v.uuid('Expected a UUID'), v.description('Only with keep_id=true')),
  ),
  created_at: v.optional(v.pipe(dateTime, v.description('Only with keep_id=true'))),
});
/** What the account object is asked to commit: the body without `ref` (which travels on its own). */
export type ClaimInput = Omit<ClaimCreate, 'ref'>;

export const idempotencyKey = text(255);

export const claimListQuerySchema = v.strictObject({
  limit: v.optional(intParam(1, 100), '10'),
  starting_after: v.optional(v.pipe(v.string(), v.maxLength(255))),
  ref: v.optional(text(255)),
  customer_id: v.optional(customerId),
  total: v.optional(boolParam),
});
export type ClaimListQuery = v.InferOutput<typeof claimListQuerySchema>;

const stamp = v.pipe(v.string(), v.description('RFC 3339 date-time'));

export const claimSchema = v.pipe(
  v.strictObject({
    purchase_at: stamp,
    customer_id: v.optional(v.string()),
    discounts: v.array(
      v.strictObject({
        id: v.string(),
        code: v.optional(v.string()),
        refs: v.array(
          v.strictObject({
            id: v.string(),
            amount: v.number(),
            usage: v.number(),
            stamp: v.number(),
            bonus: v.optional(v.number()),
          }),
        ),
      }),
    ),
    ref: v.optional(v.string()),
    type: v.optional(v.string()),
    ...entityFields,
    updated_by: v.string(),
  }),
  v.metadata({
    ref: 'DiscountClaim',
    description: 'Discounts claimed for one purchase (seed 002); `deleted_at` marks a released claim',
  }),
);
export type Claim = v.InferOutput<typeof claimSchema>;

/**
 * The fingerprint a `ref` is bound to: SHA-256 of the validated, normalised body without `ref`
 * (defaults filled, unknown ref fields dropped, purchase_at canonical), so retries hash equally.
 */
export async function claimBodyHash(input: ClaimInput): Promise<string> {
  const { purchase_at, customer_id, discounts, type } = input;
  return sha256Hex(canonicalJson({ purchase_at, customer_id, discounts, type }));
}
