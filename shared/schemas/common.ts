import * as v from 'valibot';
import { canonicalTime } from '../time';

/** An RFC 3339 instant; stored and returned in UTC. */
export const dateTime = v.pipe(
  v.string(),
  v.isoTimestamp('Expected an RFC 3339 date-time'),
  v.transform((s: string) => canonicalTime(s)),
);

export const accountId = v.pipe(v.string(), v.regex(/^[PT]\d{8}$/, 'Expected an account id like T12345678'));

export const uuid = v.pipe(v.string(), v.uuid('Expected a UUID'));

/** A query parameter that may be given once or repeated. */
export const repeated = <S extends v.GenericSchema<string, unknown>>(item: S) =>
  v.pipe(
    v.union([v.string(), v.array(v.string())]),
    v.transform((x) => (Array.isArray(x) ? x : [x])),
    v.array(item),
  );

/** An integer from a query string. */
export const intParam = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^-?\d+$/, 'Expected an integer'),
    v.transform(Number),
    v.minValue(min, `Expected at least ${min}`),
    v.maxValue(max, `Expected at most ${max}`),
  );

export const boolParam = v.pipe(
  v.picklist(['true', 'false'], 'Expected true or false'),
  v.transform((x) => x === 'true'),
);

/** The paging parameters every list shares (spec §1). */
export const paging = (maxLimit: number) => ({
  limit: v.optional(intParam(1, maxLimit), '10'),
  starting_after: v.optional(v.pipe(v.string(), v.maxLength(255))),
  since_datetime: v.optional(dateTime),
  total: v.optional(boolParam),
});

export const noSinceWithStartingAfter = <T extends { since_datetime?: unknown; starting_after?: unknown }>() =>
  v.check<T, string>(
    (q) => !(q.since_datetime !== undefined && q.starting_after !== undefined),
    'since_datetime cannot be combined with starting_after',
  );

/** Free-form key/value pairs: a JSON object, never an array. */
export const metadata = v.pipe(
  v.custom<Record<string, unknown>>((x) => typeof x === 'object' && x !== null && !Array.isArray(x), 'Expected an object'),
  v.record(v.string(), v.unknown()),
);

export const nonEmptyString = (max = 1000) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));

/** A path id: anything that cannot be one of ours is simply not found. */
export const uuidParam = (what: string) =>
  v.pipe(v.string(), v.uuid(`${what} not found`), v.transform((s) => s.toLowerCase()));
