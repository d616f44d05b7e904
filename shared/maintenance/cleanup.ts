import { META_KEYS } from '../keys';
import type { CleanupCategory, CleanupRun, Kept, Maintenance, Removed } from '../schemas/maintenance';
import { DAY_MS, daysLimitedSql, daysLimitMs, stampOldestMs } from '../engine/usability';
import { bumpContentVersion } from '../store/migrations';
import { RuleStore } from '../store/rules';
import { all, one, type Sql } from '../store/sql';
import { iso } from '../time';

/**
 * One account's scheduled cleanup (docs/maintenance.md). A run first asks, with a handful of index
 * probes, whether anything is due and returns at once when nothing is (writing nothing). Otherwise
 * it works through the categories in order, touching at most `ROWS_PER_RUN` rows, and the next run
 * continues where this one stopped: every query takes the oldest due rows first, and the purge of
 * soft-deleted rows walks them once in deletion order behind a cursor (a row kept because claims
 * name it stays kept forever, so it never needs a second look).
 */
export const ROWS_PER_RUN = 1000;

const SUMMARY_KEY = META_KEYS.maintenance;
const CURSORS_KEY = META_KEYS.maintenanceCursors;

interface Cursor {
  at: number;
  seq: number;
}
type Cursors = Record<'rules' | 'refs' | 'customers', Cursor | null>;
const NO_CURSORS: Cursors = { rules: null, refs: null, customers: null };
/** Before every row: seq and deleted_at are never negative. */
const START: Cursor = { at: -1, seq: -1 };

export interface CleanupDeps {
  retentionDays(): number;
  /** Erases a deleted customer and whatever its side tables still hold. */
  purgeCustomer(seq: number): void;
  /** The engine's compiled rule set must follow these rules (archived: no longer live). */
  rulesChanged(ids: readonly string[]): void;
  transaction<T>(fn: () => T): T;
}

/** Counts the rows every statement of one run reads and writes, for the summary and the tests. */
function counting(sql: Sql): { sql: Sql; read(): number; written(): number } {
  const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
  const wrapped = {
    exec(query: string, ...args: SqlStorageValue[]) {
      const c = sql.exec(query, ...args);
      cursors.push(c);
      return c;
    },
  } as unknown as Sql;
  return {
    sql: wrapped,
    read: () => cursors.reduce((n, c) => n + c.rowsRead, 0),
    written: () => cursors.reduce((n, c) => n + c.rowsWritten, 0),
  };
}

export class AccountCleanup {
  constructor(
    private readonly raw: Sql,
    private readonly deps: CleanupDeps,
  ) {}

  /** The last run with work, and the purge cursors. */
  status(): Maintenance {
    const row = one<{ value: string }>(this.raw, 'SELECT value FROM meta WHERE key = ?', SUMMARY_KEY);
    const cursors = this.cursors(this.raw);
    const out = (c: Cursor | null) => (c ? { deleted_at: iso(c.at), seq: c.seq } : null);
    return {
      last_run: row ? (JSON.parse(row.value) as CleanupRun) : null,
      cursors: { rules: out(cursors.rules), refs: out(cursors.refs), customers: out(cursors.customers) },
    };
  }

  /** Takes a changed rule back into the engine's set; passes `value` through. */
  unarchive<T>(ruleId: string, value: T): T {
    this.raw.exec('UPDATE rules SET archived_at = NULL WHERE id = ? AND archived_at IS NOT NULL', ruleId);
    return value;
  }

  /** `now`: the instant "older than" is judged against (the cron's scheduled time). */
  run(now: number): CleanupRun {
    const started = Date.now();
    const counter = counting(this.raw);
    const sql = counter.sql;
    // Statistics change through the rules store, on the counted connection like every statement here.
    const rules = new RuleStore(sql);
    const retentionDays = this.deps.retentionDays();
    const cutoff = now - retentionDays * DAY_MS;
    const cursors = this.cursors(sql);
    const removed: Removed = {
      checkout_sessions: 0,
      checkout_events: 0,
      expired_stamp_rows: 0,
      expired_stamps: 0,
      archived_rules: 0,
      purged_rules: 0,
      purged_refs: 0,
      purged_customers: 0,
    };
    const kept: Kept = { rules: 0, refs: 0, customers: 0 };
    const summary = (remaining: CleanupCategory[], idle: boolean): CleanupRun => ({
      started_at: iso(started),
      as_of: iso(now),
      duration_ms: Date.now() - started,
      retention_days: retentionDays,
      idle,
      complete: remaining.length === 0,
      remaining,
      removed,
      kept,
      rows_read: counter.read(),
      rows_written: counter.written(),
    });

    const due = this.due(sql, now, cutoff, cursors);
    if (!due.length) return summary([], true);

    this.deps.transaction(() => {
      let budget = ROWS_PER_RUN;
      const archived: string[] = [];
      const work: Record<CleanupCategory, () => void> = {
        checkout_sessions: () => {
          const n = sql.exec(
            `DELETE FROM checkout_sessions WHERE session_id IN
               (SELECT session_id FROM checkout_sessions WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`,
            now,
            budget,
          ).rowsWritten;
          removed.checkout_sessions += n;
          budget -= n;
        },
        checkout_events: () => {
          const n = sql.exec(
            'DELETE FROM checkout_events WHERE seq IN ' +
              '(SELECT seq FROM checkout_events WHERE created_at < ? ORDER BY created_at LIMIT ?)',
            cutoff,
            budget,
          ).rowsWritten;
          removed.checkout_events += n;
          budget -= n;
        },
        stamps: () => {
          for (const rule of this.stampRules(sql)) {
            if (budget <= 0) return;
            // Fully spent rows are marked too (they add nothing to the counters), so every due row
            // leaves the index the "is anything due?" probe reads.
            const rows = all<{ seq: number; ref_id: string; stamp: number }>(
              sql,
              `SELECT seq, ref_id, stamp - spent AS stamp FROM ref_usages
               WHERE rule_id = ? AND stamp > 0 AND released_at IS NULL AND expired_at IS NULL AND purchase_at < ?
               ORDER BY purchase_at LIMIT ?`,
              rule.id,
              rule.expiredBefore(now),
              budget,
            );
            if (!rows.length) continue;
            budget -= rows.length;
            sql.exec(
              'UPDATE ref_usages SET expired_at = ? WHERE seq IN (SELECT value FROM json_each(?))',
              now,
              JSON.stringify(rows.map((r) => r.seq)),
            );
            const perRef = new Map<string, number>();
            for (const r of rows) perRef.set(r.ref_id, (perRef.get(r.ref_id) ?? 0) + r.stamp);
            let total = 0;
            for (const [refId, stamps] of perRef) {
              if (!stamps) continue;
              sql.exec('UPDATE refs SET stamp = stamp - ? WHERE id = ?', stamps, refId);
              total += stamps;
            }
            if (total) rules.addStatistics(rule.id, { stamp: -total });
            removed.expired_stamp_rows += rows.length;
            removed.expired_stamps += total;
          }
        },
        archive_rules: () => {
          const ids = sql
            .exec<{ id: string }>(
              `UPDATE rules SET archived_at = ? WHERE seq IN (SELECT seq FROM rules
               WHERE archived_at IS NULL AND deleted_at IS NULL AND purchase_to < ? ORDER BY purchase_to LIMIT ?)
               RETURNING id`,
              now,
              cutoff,
              budget,
            )
            .toArray()
            .map((r) => r.id);
          const n = ids.length;
          archived.push(...ids);
          removed.archived_rules += n;
          budget -= n;
        },
        purge_refs: () => {
          const rows = this.deletedAfter(sql, 'refs', cursors.refs, cutoff, budget, ', offering_constraint_id');
          for (const r of rows) {
            budget--;
            cursors.refs = { at: r.deleted_at, seq: r.seq };
            // The constraint id is the record that this gift was given: purging it would let it be given again.
            if (
              r.offering_constraint_id !== null ||
              one(sql, 'SELECT 1 AS x FROM ref_usages WHERE ref_id = ? LIMIT 1', r.id)
            ) {
              kept.refs++;
              continue;
            }
            sql.exec('DELETE FROM refs WHERE seq = ?', r.seq);
            removed.purged_refs++;
          }
        },
        purge_rules: () => {
          const rows = this.deletedAfter(sql, 'rules', cursors.rules, cutoff, budget, '');
          for (const r of rows) {
            if (budget <= 0) return;
            budget--;
            if (one(sql, 'SELECT 1 AS x FROM ref_usages WHERE rule_id = ? LIMIT 1', r.id)) {
              cursors.rules = { at: r.deleted_at, seq: r.seq };
              kept.rules++;
              continue;
            }
            // The rule's refs go with it (none has ledger rows, or the rule would have some);
            // a rule with more refs than the budget left is finished by the next run.
            const refs = all<{ seq: number }>(sql, 'SELECT seq FROM refs WHERE rule_id = ? LIMIT ?', r.id, budget + 1);
            const batch = refs.slice(0, budget);
            if (batch.length)
              sql.exec(
                'DELETE FROM refs WHERE seq IN (SELECT value FROM json_each(?))',
                JSON.stringify(batch.map((x) => x.seq)),
              );
            removed.purged_refs += batch.length;
            budget -= batch.length;
            if (refs.length > batch.length) return;
            sql.exec('DELETE FROM rules WHERE seq = ?', r.seq);
            cursors.rules = { at: r.deleted_at, seq: r.seq };
            removed.purged_rules++;
          }
        },
        purge_customers: () => {
          const rows = this.deletedAfter(sql, 'customers', cursors.customers, cutoff, budget, ', customer_id');
          for (const r of rows) {
            budget--;
            cursors.customers = { at: r.deleted_at, seq: r.seq };
            // Kept while anything still names the id, or a customer re-created under it would
            // inherit those refs, usages and claims.
            if (namedElsewhere(sql, r.customer_id)) {
              kept.customers++;
              continue;
            }
            this.deps.purgeCustomer(r.seq);
            removed.purged_customers++;
          }
        },
      };
      for (const category of due) {
        if (budget <= 0) break;
        work[category]();
      }
      sql.exec(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        CURSORS_KEY,
        JSON.stringify(cursors),
      );
      if (removed.archived_rules || removed.purged_rules || removed.purged_refs) {
        // Nothing removed was on the public list (deleted, or ended long ago), but a stale cached
        // list costs more to reason about than one cache miss an hour.
        bumpContentVersion(sql);
        // Only archiving changes what the engine compiles: purged rules were deleted already.
        this.deps.rulesChanged(archived);
      }
    });

    const run = summary(this.due(sql, now, cutoff, cursors), false);
    this.raw.exec(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      SUMMARY_KEY,
      JSON.stringify(run),
    );
    return run;
  }

  /** Categories with something to do: one index probe each (one per stamp-expiring rule for stamps). */
  private due(sql: Sql, now: number, cutoff: number, cursors: Cursors): CleanupCategory[] {
    const probe = (query: string, ...args: SqlStorageValue[]) => one(sql, query, ...args) !== undefined;
    const after = (c: Cursor | null) => [(c ?? START).at, (c ?? START).seq];
    const out: CleanupCategory[] = [];
    if (probe('SELECT 1 AS x FROM checkout_sessions WHERE expires_at <= ? LIMIT 1', now)) out.push('checkout_sessions');
    if (probe('SELECT 1 AS x FROM checkout_events WHERE created_at < ? LIMIT 1', cutoff)) out.push('checkout_events');
    if (
      this.stampRules(sql).some((r) =>
        probe(
          `SELECT 1 AS x FROM ref_usages WHERE rule_id = ? AND stamp > 0 AND released_at IS NULL ` +
            `AND expired_at IS NULL AND purchase_at < ? LIMIT 1`,
          r.id,
          r.expiredBefore(now),
        ),
      )
    )
      out.push('stamps');
    if (
      probe(
        'SELECT 1 AS x FROM rules WHERE archived_at IS NULL AND deleted_at IS NULL AND purchase_to < ? LIMIT 1',
        cutoff,
      )
    )
      out.push('archive_rules');
    const deleted = (table: string, c: Cursor | null) =>
      probe(
        `SELECT 1 AS x FROM ${table} WHERE deleted_at IS NOT NULL AND deleted_at < ? ` +
          `AND (deleted_at, seq) > (?, ?) LIMIT 1`,
        cutoff,
        ...after(c),
      );
    if (deleted('refs', cursors.refs)) out.push('purge_refs');
    if (deleted('rules', cursors.rules)) out.push('purge_rules');
    if (deleted('customers', cursors.customers)) out.push('purge_customers');
    return out;
  }

  /**
   * Rules with a `limitation.stamp_expire_days` limit (deleted and archived ones too: their stamps
   * still count); `-1` is unlimited, so it expires nothing. A stamp dated before `expiredBefore(now)`
   * counts for no purchase at or after `now` (usability.ts), so it leaves the counters.
   */
  private stampRules(sql: Sql): { id: string; expiredBefore(now: number): number }[] {
    const days = `json_extract(body, '$.limitation.stamp_expire_days')`;
    return all<{ id: string; days: number }>(
      sql,
      `SELECT id, ${days} AS days FROM rules WHERE ${daysLimitedSql(days)}`,
    ).map((r) => {
      const limits = { stampExpireMs: daysLimitMs(r.days) };
      return { id: r.id, expiredBefore: (now: number) => stampOldestMs(limits, now) };
    });
  }

  private deletedAfter(
    sql: Sql,
    table: 'rules' | 'refs' | 'customers',
    c: Cursor | null,
    cutoff: number,
    limit: number,
    extra: string,
  ) {
    const from = c ?? START;
    return all<{
      seq: number;
      id: string;
      deleted_at: number;
      offering_constraint_id: string | null;
      customer_id: string;
    }>(
      sql,
      `SELECT seq, id, deleted_at${extra} FROM ${table}
       WHERE deleted_at IS NOT NULL AND deleted_at < ? AND (deleted_at, seq) > (?, ?) ORDER BY deleted_at, seq LIMIT ?`,
      cutoff,
      from.at,
      from.seq,
      Math.max(limit, 0),
    );
  }

  private cursors(sql: Sql): Cursors {
    const row = one<{ value: string }>(sql, 'SELECT value FROM meta WHERE key = ?', CURSORS_KEY);
    return row ? { ...NO_CURSORS, ...(JSON.parse(row.value) as Partial<Cursors>) } : { ...NO_CURSORS };
  }
}

/** Whether a claim, a ref (deleted ones too) or a ledger row names the customer id. */
function namedElsewhere(sql: Sql, customerId: string): boolean {
  return (
    one(
      sql,
      `SELECT 1 AS x WHERE EXISTS (SELECT 1 FROM claims WHERE customer_id = ?1)
         OR EXISTS (SELECT 1 FROM refs WHERE customer_id = ?1)
         OR EXISTS (SELECT 1 FROM ref_usages WHERE customer_id = ?1)`,
      customerId,
    ) !== undefined
  );
}
