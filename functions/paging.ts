import type { Context } from 'hono';
import * as v from 'valibot';
import { ok, type ResponseDoc, totalCountHeader } from './openapi';

/**
 * Lists (spec §1): the items as a JSON array, and with `total=true` the number of all matches in
 * the `total-count` header. The store counts; these two say it the same way on every list.
 */

/** The documented answer of a list: an array of `item`, and the `total-count` header. */
export const listOf = (item: v.GenericSchema, description: string, example?: unknown[]): ResponseDoc =>
  ok(v.array(item), description, example, totalCountHeader);

/** Sets `total-count` when the store counted (the list was asked with `total=true`). */
export function totalCount(c: Context, total: number | undefined): void {
  if (total !== undefined) c.header('total-count', String(total));
}
