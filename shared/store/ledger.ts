import type { RefState } from '../engine/types';
import { refLimits, stampOldestMs } from '../engine/usability';
import { notFound } from '../errors';
import type { UsageEntry, UsageListQuery } from '../schemas/ref';
import type { Rule } from '../schemas/rule';
import type { RefRow, UsageRow } from './ref-rows';
import { keepExact, type RuleStore } from './rules';
import { all, one, paging, Where, type Sql } from './sql';
import { iso } from '../time';

/**
 * The usage ledger (`ref_usages`, `stamp_spends`): one row per purchase, usage added by hand or
 * receipt that used a ref, what stamps each redemption spent, and releases. Every row moves the
 * ref's counters and the rule's statistics by exactly what it adds, in the caller's transaction,
 * so a release can take back exactly that. Tables: refs-migrations.ts, docs/storage.md.
 */

export interface UsageInput {
  source: UsageRow['source'];
  sourceRef: string | null;
  refType?: string;
  usage: number;
  amount: number;
  stamp: number;
  /** bonus given (rules with `effect: bonus`); default 0 */
  bonus?: number;
  purchaseAt: number;
  actor: string;
  /**
   * The refusal when a stamp rule's `usage` redeems more stamps than the ref holds valid at
   * `purchaseAt`; thrown inside the caller's transaction, so nothing of the write stays.
   */
  shortfall: () => Error;
}

function toUsage(row: UsageRow): UsageEntry {
  return {
    id: row.id,
    ref_id: row.ref_id,
    discount_id: row.rule_id,
    customer_id: row.customer_id,
    source: row.source,
    source_ref: row.source_ref,
    ...(row.ref_type !== null && { ref_type: row.ref_type }),
    usage: row.usage,
    amount: row.amount,
    stamp: row.stamp,
    debit: row.debit,
    purchase_at: iso(row.purchase_at),
    created_at: iso(row.created_at),
    created_by: row.created_by,
    ...(row.released_at !== null && {
      released_at: iso(row.released_at),
      released_by: row.released_by ?? row.created_by,
    }),
  };
}

/** What the ledger reads of refs (refs.ts). */
export interface LedgerRefs {
  row(id: string): RefRow | undefined;
  state(row: RefRow, customerId: string | null): RefState;
}

export const isDebit = (rule: Rule) => rule.reward.type === 'discount_debit';

export class RefLedger {
  constructor(
    private readonly sql: Sql,
    private readonly rules: RuleStore,
    private readonly refs: LedgerRefs,
  ) {}

  /**
   * Adds one ledger row and the same amounts to the ref's and the rule's counters. A debit ref
   * gives at most its balance: `debit` is what was actually taken, so a release restores exactly it.
   */
  record(row: RefRow, customerId: string | null, u: UsageInput, now = Date.now()): { id: string; debit: number } {
    const rule = this.rules.body(row.rule_id)!;
    let debit = 0;
    if (isDebit(rule) && u.amount > 0) {
      debit = Math.min(u.amount, Math.max(this.refs.state(row, customerId).debit_balance, 0));
    }
    const id = crypto.randomUUID();
    const bonus = u.bonus ?? 0;
    this.sql.exec(
      `INSERT INTO ref_usages (id, ref_id, rule_id, customer_id, source, source_ref, ref_type, ` +
        `usage, amount, stamp, debit, bonus, purchase_at, created_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      row.id,
      row.rule_id,
      customerId,
      u.source,
      u.sourceRef,
      u.refType ?? null,
      u.usage,
      u.amount,
      u.stamp,
      debit,
      bonus,
      u.purchaseAt,
      now,
      u.actor,
    );
    this.count(row, u.usage, u.amount, u.stamp, debit, bonus);
    const need = Math.max(rule.requirement.stamp ?? 0, 0);
    if (need > 0 && u.usage > 0) this.spendStamps(row, customerId, id, u.usage * need, rule, u);
    return { id, debit };
  }

  /**
   * A redemption (`usageId`) spends `quantity` stamps: the oldest still valid at the purchase
   * (dated at or before it, within stamp_expire_days, unspent, not released or expired), its own
   * row's stamps included. Each taken slice is recorded in stamp_spends for the release.
   */
  private spendStamps(
    ref: RefRow,
    customerId: string | null,
    usageId: string,
    quantity: number,
    rule: Rule,
    u: UsageInput,
  ): void {
    const slice = ref.kind === '*';
    const rows = all<{ id: string; free: number }>(
      this.sql,
      `SELECT id, stamp - spent AS free FROM ref_usages
       WHERE ref_id = ? ${slice ? 'AND customer_id = ?' : ''} AND stamp > spent ` +
        `AND released_at IS NULL AND expired_at IS NULL
         AND purchase_at <= ? AND purchase_at >= ?
       ORDER BY purchase_at, seq`,
      ...(slice ? [ref.id, customerId] : [ref.id]),
      u.purchaseAt,
      stampOldestMs(refLimits(rule), u.purchaseAt),
    );
    let left = quantity;
    for (const r of rows) {
      if (left <= 0) break;
      const take = Math.min(left, r.free);
      left -= take;
      this.sql.exec(
        'INSERT INTO stamp_spends (usage_id, stamp_usage_id, quantity) VALUES (?, ?, ?)',
        usageId,
        r.id,
        take,
      );
      this.sql.exec('UPDATE ref_usages SET spent = spent + ? WHERE id = ?', take, r.id);
    }
    if (left > 0) throw u.shortfall();
    this.count(ref, 0, 0, -quantity, 0);
  }

  /** Releases every live ledger row of one source (a claim), subtracting exactly what each added. */
  releaseSource(source: UsageRow['source'], sourceRef: string, actor: string, now = Date.now()): number {
    const rows = all<UsageRow>(
      this.sql,
      'SELECT * FROM ref_usages WHERE source_ref = ? AND source = ? AND released_at IS NULL',
      sourceRef,
      source,
    );
    for (const u of rows) {
      const ref = this.refs.row(u.ref_id)!;
      this.restoreSpends(ref, u.id);
      // Re-read: the row may have spent its own stamps, which the restore just gave back.
      const live = one<UsageRow>(this.sql, 'SELECT * FROM ref_usages WHERE id = ?', u.id)!;
      this.sql.exec('UPDATE ref_usages SET released_at = ?, released_by = ? WHERE id = ?', now, actor, u.id);
      // Only unspent stamps are on the counters, and the cleanup's expired ones left them already
      // (docs/maintenance.md).
      const stamp = live.expired_at === null ? live.stamp - live.spent : 0;
      this.count(ref, -u.usage, -u.amount, -stamp, -u.debit, -u.bonus);
    }
    return rows.length;
  }

  /** Gives back exactly the stamps `usageId` spent; those on released or expired rows stay off the counters. */
  private restoreSpends(ref: RefRow, usageId: string): void {
    const spends = all<{ stamp_usage_id: string; quantity: number; countable: number }>(
      this.sql,
      `SELECT s.stamp_usage_id, s.quantity, (u.released_at IS NULL AND u.expired_at IS NULL) AS countable
       FROM stamp_spends s JOIN ref_usages u ON u.id = s.stamp_usage_id WHERE s.usage_id = ?`,
      usageId,
    );
    if (!spends.length) return;
    let back = 0;
    for (const s of spends) {
      this.sql.exec('UPDATE ref_usages SET spent = spent - ? WHERE id = ?', s.quantity, s.stamp_usage_id);
      if (s.countable) back += s.quantity;
    }
    this.sql.exec('DELETE FROM stamp_spends WHERE usage_id = ?', usageId);
    if (back) this.count(ref, 0, 0, back, 0);
  }

  /**
   * `usage` is a whole ledger row's usage, its negation (release) or 0, so its sign is the row's
   * effect on `purchases`: a row that used the ref is one purchase.
   */
  private count(ref: RefRow, usage: number, amount: number, stamp: number, debit: number, bonus = 0): void {
    // A `*` ref's debit is per customer (computed from the ledger); its column keeps the starting balance.
    const refDebit = ref.kind === '*' ? 0 : debit;
    // The rule's balance sums live refs only: deleting a ref took its balance off (softDelete), so
    // a later release on it restores the ref's own balance but not the rule's.
    const ruleDebit = ref.deleted_at === null ? refDebit : 0;
    const row = one<{ m: number }>(
      this.sql,
      'UPDATE refs SET usage = usage + ?, purchases = purchases + ?, amount = amount + ?, ' +
        'stamp = stamp + ?, debit_balance = debit_balance - ?, bonus = bonus + ? WHERE id = ? ' +
        'RETURNING MAX(ABS(usage), ABS(amount), ABS(stamp), ABS(debit_balance), ABS(bonus)) AS m',
      usage,
      Math.sign(usage),
      amount,
      stamp,
      refDebit,
      bonus,
      ref.id,
    );
    keepExact(row?.m ?? 0);
    this.rules.addStatistics(ref.rule_id, { usage, amount, stamp, debitBalance: ruleDebit ? -ruleDebit : 0 });
  }

  usages(ruleId: string, q: UsageListQuery): { usages: UsageEntry[]; total?: number } {
    if (!this.rules.body(ruleId)) throw notFound('Discount rule');
    const where = new Where().add('rule_id = ?', ruleId);
    if (q.ref_id) where.add('ref_id = ?', q.ref_id);
    if (q.customer_id) where.add('customer_id = ?', q.customer_id);
    const total = q.total
      ? one<{ n: number }>(this.sql, `SELECT COUNT(*) AS n FROM ref_usages ${where}`, ...where.args)!.n
      : undefined;
    const order = paging(this.sql, where, q, { table: 'ref_usages', what: 'usage entry' });
    const rows = all<UsageRow>(
      this.sql,
      `SELECT * FROM ref_usages ${where} ORDER BY ${order} LIMIT ?`,
      ...where.args,
      q.limit,
    );
    return { usages: rows.map(toUsage), total };
  }
}
