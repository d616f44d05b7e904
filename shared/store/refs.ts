import type { RefState } from '../engine/types';
import { inDynamicWindow, refLimits, usedUp, validStampCount } from '../engine/usability';
import { DomainError, invalid, notFound, refused } from '../errors';
import type { Rule } from '../schemas/rule';
import type { CustomerRulesQuery, Ref, RefGive, RefListQuery, RefStatistics, UsageRef } from '../schemas/ref';
import type { DiscountUsageQuery } from '../schemas/usage';
import { discountUsages } from './discount-usages';
import { isDebit, RefLedger } from './ledger';
import { bumpContentVersion } from './migrations';
import type { RuleStore } from './rules';
import { customerDiscount, kindOf, toRef, type CustomerDiscount, type RefRow } from './ref-rows';
import { cursorSeq, all, one, paging, Where, type Sql } from './sql';
import { refStates, refsForPurchase } from './ref-state';

/**
 * Refs: a rule given to one customer (`kind = 'customer'`), to every purchase with a customer
 * (`kind = '*'`) or to purchases without one (`kind = '/'`). `customer_id` is NULL for `*` and `/`.
 * The counters are the ref's live statistics; claims change them in the same transaction that
 * records the claim. Tables and their history: refs-migrations.ts, docs/storage.md.
 */

/** Dintero answers 400 "Discount ref already deleted" when a deleted ref is read, changed or deleted. */
const refDeleted = () => new DomainError('refused', 'ref_deleted', 'The discount ref has been deleted');

/**
 * When a customer starts seeing the rule in their list: `visible_from`, else `purchase_from`
 * (Dintero: by default a customer sees a discount only between purchase_from and purchase_to).
 */
const visibleFrom = (rule: Rule) => Date.parse(rule.visible_from ?? rule.requirement.purchase_from);

/** What a debit ref holds before any claim: the rule's value (the engine reads it the same way). */
const startingBalance = (rule: Rule) => (isDebit(rule) ? rule.reward.value : 0);

export class RefStore {
  /** Usage rows (claims, usage added by hand, receipts) and the counters they move: ledger.ts. */
  readonly ledger: RefLedger;

  constructor(
    private readonly sql: Sql,
    private readonly rules: RuleStore,
  ) {
    this.ledger = new RefLedger(sql, rules, { row: (id) => this.row(id), state: (row, c) => this.state(row, c) });
  }

  row(id: string): RefRow | undefined {
    return one<RefRow>(this.sql, 'SELECT * FROM refs WHERE id = ?', id);
  }

  private ruleOr404(id: string): Rule {
    const rule = this.rules.body(id);
    if (!rule) throw notFound('Discount rule');
    return rule;
  }

  // ---- giving and taking back

  give(ruleId: string, input: RefGive, actor: string, now = Date.now()): Ref[] {
    const rule = this.ruleOr404(ruleId);
    if (rule.deleted_at) throw invalid('A deleted discount rule cannot be given to customers');
    const constraint = input.offering_constraint_id ?? null;
    const out: Ref[] = [];
    let created = 0;
    for (const target of new Set(input.customers)) {
      const kind = kindOf(target);
      const customerId = kind === 'customer' ? target : null;
      if (constraint !== null) {
        const existing = one<RefRow>(
          this.sql,
          `SELECT * FROM refs WHERE rule_id = ? AND kind = ? ` +
            `AND IFNULL(customer_id, '') = ? AND offering_constraint_id = ?`,
          ruleId,
          kind,
          customerId ?? '',
          constraint,
        );
        if (existing) {
          out.push(toRef(existing));
          continue;
        }
      }
      const id = crypto.randomUUID();
      const balance = startingBalance(rule);
      this.sql.exec(
        `INSERT INTO refs (id, rule_id, kind, customer_id, offering_constraint_id, created_at, created_by, ` +
          `updated_at, updated_by, debit_balance)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        id,
        ruleId,
        kind,
        customerId,
        constraint,
        now,
        actor,
        now,
        actor,
        balance,
      );
      // A `*` ref's balance is per customer (see docs/refs.md), so only refs with one owner add to the rule's.
      if (kind !== '*' && balance) this.rules.addStatistics(ruleId, { debitBalance: balance });
      out.push(toRef(this.row(id)!));
      created++;
    }
    if (created) bumpContentVersion(this.sql);
    return out;
  }

  /** `*` takes the rule from everyone (every live ref of it); `/` the anonymous refs; else one customer's. */
  take(ruleId: string, customers: string[], actor: string, now = Date.now()): Ref[] {
    this.ruleOr404(ruleId);
    const rows: RefRow[] = [];
    const seen = new Set<string>();
    for (const target of new Set(customers)) {
      const kind = kindOf(target);
      const found =
        target === '*'
          ? all<RefRow>(this.sql, 'SELECT * FROM refs WHERE rule_id = ? AND deleted_at IS NULL ORDER BY seq', ruleId)
          : kind === '/'
            ? all<RefRow>(
                this.sql,
                `SELECT * FROM refs WHERE rule_id = ? AND kind = '/' AND deleted_at IS NULL ORDER BY seq`,
                ruleId,
              )
            : all<RefRow>(
                this.sql,
                `SELECT * FROM refs WHERE rule_id = ? AND kind = 'customer' AND customer_id = ? ` +
                  `AND deleted_at IS NULL ORDER BY seq`,
                ruleId,
                target,
              );
      for (const r of found) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        rows.push(r);
      }
    }
    for (const r of rows) this.softDelete(r, actor, now);
    if (rows.length) bumpContentVersion(this.sql);
    return rows.map((r) => toRef(this.row(r.id)!));
  }

  private softDelete(r: RefRow, actor: string, now: number): void {
    this.sql.exec(
      'UPDATE refs SET deleted_at = ?, deleted_by = ?, updated_at = ?, updated_by = ? WHERE id = ?',
      now,
      actor,
      now,
      actor,
      r.id,
    );
    if (r.kind !== '*' && r.debit_balance) this.rules.addStatistics(r.rule_id, { debitBalance: -r.debit_balance });
  }

  list(ruleId: string, q: RefListQuery): { refs: Ref[]; total?: number } {
    const rule = this.ruleOr404(ruleId);
    const where = new Where().add('rule_id = ?', ruleId);
    // A ref stays available after its rule is deleted (seed 000); `inactive` follows the rule's `active`.
    if (q.state === 'deleted') where.add('deleted_at IS NOT NULL');
    else if (q.state === 'available' || q.state === 'inactive') {
      where.add('deleted_at IS NULL');
      if ((q.state === 'available') !== rule.active) where.add('0');
    }
    const total = q.total
      ? one<{ n: number }>(this.sql, `SELECT COUNT(*) AS n FROM refs ${where}`, ...where.args)!.n
      : undefined;
    const order = paging(this.sql, where, q, { table: 'refs', what: 'ref' });
    const rows = all<RefRow>(this.sql, `SELECT * FROM refs ${where} ORDER BY ${order} LIMIT ?`, ...where.args, q.limit);
    return { refs: rows.map(toRef), total };
  }

  private seqOf(refId: string): number {
    return cursorSeq(this.sql, 'refs', 'ref', refId);
  }

  // ---- the engine's and the customer's view of a ref

  /**
   * The ref as the engine reads it. A `*` ref is shared by every customer, but each customer's
   * usage, amount, debit and stamps on it are their own: with `customerId` those come from the
   * customer's ledger rows, so "3 purchases" or a stamp card given to `*` counts per customer.
   */
  state(row: RefRow, customerId: string | null): RefState {
    return refStates(this.sql, [row], customerId)[0]!;
  }

  statistics(state: RefState, rule: Rule | undefined, now = Date.now()): RefStatistics {
    return {
      stamp: state.stamps.reduce((s, x) => s + x.quantity, 0),
      current_stamp: rule ? validStampCount(refLimits(rule), state.stamps, now) : 0,
      usage: state.usage,
      used: state.usage,
      purchases: state.purchases,
      amount: state.amount,
      bonus: state.bonus ?? 0,
      debit_balance: state.debit_balance,
    };
  }

  /** A ref the customer holds: their own, or a `*` ref. Anything else is not found for them. */
  private customerRow(customerId: string, refId: string): RefRow {
    const row = this.row(refId);
    if (!row || (row.kind === 'customer' ? row.customer_id !== customerId : row.kind !== '*')) throw notFound('Ref');
    return row;
  }

  private asDiscount(row: RefRow, customerId: string): CustomerDiscount {
    const rule = this.rules.body(row.rule_id)!;
    return customerDiscount(rule, row.id, this.statistics(this.state(row, customerId), rule));
  }

  customerRef(customerId: string, refId: string): CustomerDiscount {
    const row = this.customerRow(customerId, refId);
    if (row.deleted_at !== null) throw refDeleted();
    return this.asDiscount(row, customerId);
  }

  /** A `*` ref belongs to everyone, so one customer's path cannot delete it. */
  deleteCustomerRef(customerId: string, refId: string, actor: string, now = Date.now()) {
    const row = this.customerRow(customerId, refId);
    if (row.kind === '*') {
      throw invalid('This ref was given to every customer; take it back with DELETE /discounts/rules/{did}/customers');
    }
    if (row.deleted_at !== null) throw refDeleted();
    this.softDelete(row, actor, now);
    bumpContentVersion(this.sql);
    const discount = this.asDiscount(this.row(refId)!, customerId);
    // Dintero's answer repeats the (deprecated) debit balance at the top level.
    return { ...discount, debit_balance: discount.statistics.debit_balance };
  }

  /** Stamps/usage/amount added by hand; a `usage_ref.ref` already recorded for this ref changes nothing. */
  addUsage(customerId: string, refId: string, input: UsageRef | undefined, actor: string, now = Date.now()) {
    const row = this.customerRow(customerId, refId);
    if (row.deleted_at !== null) throw refDeleted();
    if (!input) return this.asDiscount(row, customerId);
    const owner = row.kind === '*' ? customerId : row.customer_id;
    const seen = one(
      this.sql,
      `SELECT 1 FROM ref_usages WHERE source = 'usage_ref' AND ref_id = ? ` +
        `AND IFNULL(customer_id, '') = ? AND source_ref = ?`,
      refId,
      owner ?? '',
      input.ref,
    );
    if (!seen) {
      this.ledger.record(
        row,
        owner,
        {
          source: 'usage_ref',
          sourceRef: input.ref,
          refType: input.ref_type,
          usage: input.usage,
          amount: input.amount,
          stamp: input.stamp,
          // An import's source time (admin only, checked by the route); otherwise now.
          purchaseAt: input.purchase_at === undefined ? now : Date.parse(input.purchase_at),
          actor,
          shortfall: () =>
            refused('The ref holds fewer valid stamps than this usage redeems', [
              {
                field: 'usage_ref.usage',
                code: 'stamps',
                message: 'Each usage of a stamp card spends requirement.stamp valid stamps',
              },
            ]),
        },
        now,
      );
    }
    return this.asDiscount(this.row(refId)!, customerId);
  }

  /**
   * A customer's usable rules, paged by ref: their own refs and `*` refs whose rule is live,
   * active, not past its window (nor the ref's dynamic window) and not used up.
   */
  customerRules(customerId: string, q: CustomerRulesQuery, now = Date.now()) {
    const out: CustomerDiscount[] = [];
    this.usableRefs(customerId, q.starting_after ? this.seqOf(q.starting_after) : 0, now, (row, rule, state) => {
      out.push(customerDiscount(rule, row.id, this.statistics(state, rule, now)));
      return out.length < q.limit;
    });
    let total: number | undefined;
    if (q.total) {
      total = 0;
      this.usableRefs(customerId, 0, now, () => {
        total!++;
        return true;
      });
    }
    return { rules: out, total };
  }

  /** Visits the customer's usable refs after `afterSeq` in ref order while `visit` returns true. */
  private usableRefs(
    customerId: string,
    afterSeq: number,
    now: number,
    visit: (row: RefRow, rule: Rule, state: RefState) => boolean,
  ): void {
    const query = `SELECT r.* FROM refs r JOIN rules u ON u.id = r.rule_id
      WHERE r.deleted_at IS NULL AND u.deleted_at IS NULL AND u.active = 1 AND u.purchase_to >= ?
        AND ((r.kind = 'customer' AND r.customer_id = ?) OR r.kind = '*') AND r.seq > ?
      ORDER BY r.seq LIMIT 200`;
    // Dynamic windows and usage live in the rule body and the ledger, so filter in batches.
    for (let after = afterSeq; ; ) {
      const rows = all<RefRow>(this.sql, query, now, customerId, after);
      for (const row of rows) {
        after = row.seq;
        const rule = this.rules.body(row.rule_id)!;
        const state = this.state(row, customerId);
        if (now < visibleFrom(rule)) continue;
        const limits = refLimits(rule);
        if (usedUp(limits, state.purchases)) continue;
        if (!inDynamicWindow(limits, row.created_at, now)) continue;
        if (!visit(row, rule, state)) return;
      }
      if (rows.length < 200) return;
    }
  }

  /** What the engine needs for one purchase (ref-state.ts). */
  forPurchase(customerId: string | null, ruleIds: Iterable<string>): RefState[] {
    return refsForPurchase(this.sql, customerId, ruleIds);
  }

  /** Dintero's `DiscountUsage[]` (discount-usages.ts); a `*` ref's statistics sum every customer. */
  discountUsages(ruleId: string, q: DiscountUsageQuery) {
    this.ruleOr404(ruleId);
    return discountUsages<RefRow>(this.sql, ruleId, q, (row) =>
      this.statistics(this.state(row, null), this.rules.body(row.rule_id)),
    );
  }
}
