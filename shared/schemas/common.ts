import * as v from 'valibot';
import { canonicalTime } from '../time';

/** An RFC 3339 instant; stored and returned in UTC. */
export const dateTime = v.pipe(
  v.string(),
  v.isoTimestamp('Expected an RFC 3339 date-time'),
  v.check(isRealInstant, 'Expected an RFC 3339 date-time'),
  v.transform((s: string) => canonicalTime(s)),
);

/**
 * valibot's format check lets through offsets without minutes (`+01`) that Date cannot read, and
 * days a month does not have (`2023-02-30`), which Date would quietly roll into March.
 */
function isRealInstant(s: string): boolean {
  if (Number.isNaN(Date.parse(s))) return false;
  const [, y, m, d] = /^(\d{4})-(\d{2})-(\d{2})/.exec(s) ?? [];
  const day = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return day.getUTCFullYear() === Number(y) && day.getUTCMonth() === Number(m) - 1 && day.getUTCDate() === Number(d);
}

/**
 * Largest amount in minor units anywhere in the API (10^12, i.e. ten billion in major units).
 * With at most 1,000 lines a receipt total stays far below 2^53, so sums stay exact.
 */
export const MAX_MONEY = 1_000_000_000_000;

/** A whole non-negative amount in minor units. */
export const money = v.pipe(v.number(), v.integer('Expected whole minor units'), v.minValue(0), v.maxValue(MAX_MONEY));

export const accountId = v.pipe(v.string(), v.regex(/^[PT]\d{8}$/, 'Expected an account id like T12345678'));

export const uuid = v.pipe(v.string(), v.uuid('Expected a UUID'));

/**
 * A query parameter that may be given once or repeated; `max` bounds how often (values bound one
 * by one in SQL must stay under the 100 parameters SQLite takes per statement in a Durable Object).
 */
export const repeated = <S extends v.GenericSchema<string, unknown>>(item: S, max = 1000) =>
  v.pipe(
    v.union([v.string(), v.array(v.string())]),
    v.transform((x) => (Array.isArray(x) ? x : [x])),
    v.array(item),
    v.maxLength(max, `Expected at most ${max} values`),
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

/**
 * `keep_id=true` (an import, docs/api-decisions.md "Imports"): record a claim or a usage_ref as the
 * source holds it. Other parameters are ignored, as before. Rules take it in a strict query of their own.
 */
export const keepIdQuery = v.object({ keep_id: v.optional(boolParam) });

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

/**
 * Largest `metadata` object, in bytes of its JSON (UTF-8). Rules are kept compiled in the account
 * object's memory, so metadata is bounded on its own, not only by the 1 MiB body.
 */
export const MAX_METADATA_BYTES = 16 * 1024;

export const jsonBytes = (x: unknown): number => new TextEncoder().encode(JSON.stringify(x)).byteLength;

/**
 * JSON Schema forms of custom checks, which have none of their own (the converter would document
 * them as `{}`, "anything"). functions/openapi.ts looks a schema up here while it converts.
 */
export const JSON_SCHEMA_OF = new WeakMap<object, Record<string, unknown>>();
export function documentedAs<S extends object>(schema: S, jsonSchema: Record<string, unknown>): S {
  JSON_SCHEMA_OF.set(schema, jsonSchema);
  return schema;
}

/** A JSON object, never an array (valibot's record accepts arrays). */
export const plainObject = documentedAs(
  v.custom<Record<string, unknown>>(
    (x) => typeof x === 'object' && x !== null && !Array.isArray(x),
    'Expected an object',
  ),
  { type: 'object' },
);

/** Free-form key/value pairs: a JSON object, never an array, at most MAX_METADATA_BYTES as JSON. */
export const metadata = v.pipe(
  plainObject,
  v.record(v.string(), v.unknown()),
  v.check((m) => jsonBytes(m) <= MAX_METADATA_BYTES, `Expected at most ${MAX_METADATA_BYTES} bytes of JSON`),
);

export const nonEmptyString = (max = 1000) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));

/** A path id: anything that cannot be one of ours is simply not found. */
export const uuidParam = (what: string) =>
  v.pipe(
    v.string(),
    v.uuid(`${what} not found`),
    v.transform((s) => s.toLowerCase()),
  );

/** Fields the server owns on every entity: answered, never taken from a request body. */
export const SERVER_OWNED_FIELDS = [
  'id',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'deleted_at',
  'deleted_by',
] as const;

/**
 * Fields the server owns, accepted in a body and ignored, so a client can PUT back what it got
 * from a GET. `extra` names an entity's own read-only fields (e.g. `statistics`).
 */
export function serverOwned<K extends string>(...extra: K[]) {
  const keys = [...SERVER_OWNED_FIELDS, ...extra] as const;
  return Object.fromEntries(keys.map((k) => [k, v.optional(v.unknown())])) as Record<
    (typeof keys)[number],
    v.OptionalSchema<v.UnknownSchema, undefined>
  >;
}
