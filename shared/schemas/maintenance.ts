import * as v from 'valibot';

/** What `GET /v1/accounts/{aid}/maintenance` answers: the account's last cleanup run (docs/maintenance.md). */

/** The cleanup's categories, in the order a run works through them. */
export const CLEANUP_CATEGORIES = [
  'checkout_sessions',
  'checkout_events',
  'stamps',
  'archive_rules',
  'purge_refs',
  'purge_rules',
  'purge_customers',
] as const;
export type CleanupCategory = (typeof CLEANUP_CATEGORIES)[number];

const count = (description: string) => v.pipe(v.number(), v.integer(), v.minValue(0), v.description(description));
const instant = v.pipe(v.string(), v.description('RFC 3339 date-time'));

export const removedSchema = v.strictObject({
  checkout_sessions: count('Checkout session evaluations deleted (past their 24 h TTL)'),
  checkout_events: count('Checkout callback log entries deleted (older than the retention)'),
  expired_stamp_rows: count('Usage ledger rows whose stamps expired (the rows stay as history)'),
  expired_stamps: count('Stamps those rows held, taken off the live counters'),
  archived_rules: count('Rules whose window ended more than the retention ago, taken out of the set the engine loads'),
  purged_rules: count('Soft-deleted rules deleted for good'),
  purged_refs: count('Soft-deleted refs (and refs of purged rules) deleted for good'),
  purged_customers: count('Deleted customers (tombstones) deleted for good'),
});
export type Removed = v.InferOutput<typeof removedSchema>;

export const keptSchema = v.strictObject({
  rules: count('Deleted rules past the retention kept because the usage ledger names them'),
  refs: count(
    'Deleted refs past the retention kept because the ledger names them or they hold an offering_constraint_id',
  ),
  customers: count('Deleted customers past the retention kept because claims, refs or ledger rows name them'),
});
export type Kept = v.InferOutput<typeof keptSchema>;

export const cleanupRunSchema = v.strictObject({
  started_at: instant,
  /** The time the cleanup judged "older than" against (the cron's scheduled time). */
  as_of: instant,
  duration_ms: count('Wall time of the run inside the account object'),
  retention_days: count('The retention the run applied'),
  idle: v.pipe(v.boolean(), v.description('Nothing was due: the run only looked')),
  complete: v.pipe(v.boolean(), v.description('Nothing is left due; false when the per-run bound stopped it')),
  remaining: v.pipe(
    v.array(v.picklist(CLEANUP_CATEGORIES)),
    v.description('Categories still due; the next run continues with them'),
  ),
  removed: removedSchema,
  kept: keptSchema,
  rows_read: count('SQLite rows read by the run'),
  rows_written: count('SQLite rows written by the run'),
});
export type CleanupRun = v.InferOutput<typeof cleanupRunSchema>;

const cursor = v.nullable(
  v.pipe(
    v.strictObject({ deleted_at: instant, seq: count('Storage order of the last row examined') }),
    v.description('Where the purge continues: rows deleted after this have not been examined yet'),
  ),
);

export const maintenanceSchema = v.pipe(
  v.strictObject({
    last_run: v.pipe(
      v.nullable(cleanupRunSchema),
      v.description('The last run that had work to do; null before the first'),
    ),
    cursors: v.strictObject({ rules: cursor, refs: cursor, customers: cursor }),
  }),
  v.metadata({
    ref: 'Maintenance',
    description: "The account's scheduled cleanup: the last run with work and where the purge continues",
  }),
);
export type Maintenance = v.InferOutput<typeof maintenanceSchema>;
