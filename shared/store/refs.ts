import type { RefState } from '../engine/types';
import { ApiError, badRequest, notFound } from '../errors';
import type { Rule } from '../schemas/rule';
import type {
  CustomerRulesQuery,
  Ref,
  RefGive,
  RefListQuery,
  RefStatistics,
  UsageEntry,
  UsageListQuery,
  UsageRef,
} from '../schemas/ref';
import type { DiscountUsageQuery } from '../schemas/usage';
import { discountUsages } from './discount-usages';
import { bumpContentVersion } from './migrations';
import { cursorSeq, all, one, Where, type Sql } from './sql';

/**
 * Refs: a rule given to one customer (`kind = 'customer'`), to every purchase with a customer
 * (`kind = '*'`) or to purchases without one (`kind = '/'`). `customer_id` is NULL for `*` and `/`.
 * The counters are the ref's live statistics; claims change them in the same transaction that
 * records the claim. Tables and their history: refs-migrations.ts, docs/storage.md.
 */

export interface RefRow {
  seq: number;
  id: string;
  rule_id: string;
  kind: 'customer' | '*' | '/';
  customer_id: string | null;
  offering_constraint_id: string | null;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string | null;
  deleted_at: number | null;
  deleted_by: string | null;
  usage: number;
  /** live ledger rows with `usage > 0` (for a `*` ref: everyone's; per customer from the ledger) */
  purchases: number;
  amount: number;
  stamp: number;
  debit_balance: number;
  /** bonus given (rules with `effect: bonus`) */
  bonus: number;
}

interface UsageRow {
  seq: number;
  id: string;
  ref_id: string;
  rule_id: string;
  customer_id: string | null;
  source: 'claim' | 'usage_ref' | 'receipt';
  source_ref: string | null;
  ref_type: string | null;
  usage: number;
  amount: number;
  stamp: number;
  /** how many of `stamp` rewards have spent */
  spent: number;
  debit: number;
  bonus: number;
  purchase_at: number;
  created_at: number;
  created_by: string;
  released_at: number | null;
  released_by: string | null;
  expired_at: number | null;
}

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

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

export const kindOf = (target: string): RefRow['kind'] => (target === '*' || target === '/' ? target : 'customer');

export function toRef(row: RefRow): Ref {
  return {
    id: row.id,
    discount_id: row.rule_id,
    customer_id: row.customer_id,
    kind: row.kind,
    ...(row.offering_constraint_id !== null && { offering_constraint_id: row.offering_constraint_id }),
    created_at: iso(row.created_at),
    created_by: row.created_by,
    updated_at: iso(row.updated_at),
    updated_by: row.updated_by ?? row.created_by,
    ...(row.deleted_at !== null && { deleted_at: iso(row.deleted_at), deleted_by: row.deleted_by ?? row.created_by }),
  };
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

/** Dintero answers 400 "Discount ref already deleted" when a deleted ref is read, changed or deleted. */
const refDeleted = () => new ApiError(400, 'ref_deleted', 'The discount ref has been deleted');

/**
 * A rule as one customer holds it through a ref (Dintero's `Discount & CustomerDiscountStatistics &
 * {ref_id}`): the discount itself (`id` is the rule's), the ref's id, and the ref's statistics for
 * this customer in place of the rule's.
 */
export type CustomerDiscount = Omit<Rule, 'statistics'> & { ref_id: string; statistics: RefStatistics };
export function customerDiscount(rule: Rule, refId: string, statistics: RefStatistics): CustomerDiscount {
  const { statistics: _ruleStatistics, ...discount } = rule;
  return { ...discount, ref_id: refId, statistics };
}

const isDebit = (rule: Rule) => rule.reward.type === 'discount_debit';
/** What a debit ref holds before any claim: the rule's value (the engine reads it the same way). */
const startingBalance = (rule: Rule) => (isDebit(rule) ? rule.reward.value : 0);

/**
 * Stamps that count at `atMs` (the engine's reading, docs/semantics.md): of the ref's unspent
 * stamps, those dated at or before `atMs` and not older than `stamp_expire_days` before it.
 */
export function currentStamps(state: RefState, rule: Rule, atMs: number): number {
  const oldest = stampOldest(rule, atMs);
  let count = 0;
  for (const s of state.stamps) {
    const at = Date.parse(s.at);
    if (at <= atMs && at >= oldest) count += Math.max(s.quantity, 0);
  }
  return count;
}

/** `-1` (any value below 1) is unlimited, like an absent limit (spec: -1 = unlimited everywhere). */
const limitDays = (days: number | undefined): number | null => (days !== undefined && days >= 1 ? days : null);

/** The earliest stamp date that still counts for a purchase at `atMs`. */
function stampOldest(rule: Rule, atMs: number): number {
  const expire = limitDays(rule.limitation?.stamp_expire_days);
  return expire === null ? -Infinity : atMs - expire * DAY_MS;
}

/** The last moment `ref` serves purchases under `dynamic_purchase_to_days` (Infinity without one). */
function dynamicEnd(ref: RefRow, rule: Rule): number {
  const days = limitDays(rule.limitation?.dynamic_purchase_to_days);
  return days === null ? Infinity : ref.created_at + days * DAY_MS;
}

/**
 * When a customer starts seeing the rule in their list: `visible_from`, else `purchase_from`
 * (Dintero: by default a customer sees a discount only between purchase_from and purchase_to).
 */
const visibleFrom = (rule: Rule) => Date.parse(rule.visible_from ?? rule.requirement.purchase_from);

/** Why `ref` cannot serve a purchase at `atMs` (rule state and windows), or null when it can. */
export function unusableReason(ref: RefRow, rule: Rule, atMs: number): string | null {
  if (ref.deleted_at !== null) return 'The ref has been deleted';
  if (rule.deleted_at) return 'The discount rule has been deleted';
  if (!rule.active) return 'The discount rule is not active';
  if (atMs < Date.parse(rule.requirement.purchase_from) || atMs > Date.parse(rule.requirement.purchase_to)) {
    return "The purchase is outside the discount rule's purchase window";
  }
  if (atMs > dynamicEnd(ref, rule)) return "The ref's dynamic_purchase_to_days window has passed";
  return null;
}

/**
 * True when the ref has no purchase left under `discount_repeat_usage` (the engine's test too):
 * purchases, not rewards, are compared, and a purchase adds exactly one.
 */
export function usedUp(state: RefState, rule: Rule): boolean {
  const repeat = rule.limitation?.discount_repeat_usage ?? -1;
  return repeat >= 0 && state.purchases >= repeat;
}

export class RefStore {
  private readonly ruleCache = new Map<string, Rule>();

  constructor(private readonly sql: Sql) {}

  // ---- rules as refs see them (bodies are immutable except for active/purchase_to/deletion,
  // so the cache lives for one RPC call: `fresh()` clears it)

  fresh(): this {
    this.ruleCache.clear();
    return this;
  }

  rule(id: string): Rule | undefined {
    let rule = this.ruleCache.get(id);
    if (!rule) {
      const row = one<{ body: string }>(this.sql, 'SELECT body FROM rules WHERE id = ?', id);
      if (!row) return undefined;
      rule = JSON.parse(row.body) as Rule;
      this.ruleCache.set(id, rule);
    }
    return rule;
  }

  row(id: string): RefRow | undefined {
    return one<RefRow>(this.sql, 'SELECT * FROM refs WHERE id = ?', id);
  }

  private ruleOr404(id: string): Rule {
    const rule = this.rule(id);
    if (!rule) throw notFound('Discount rule');
    return rule;
  }

  // ---- giving and taking back

  give(ruleId: string, input: RefGive, actor: string, now = Date.now()): Ref[] {
    const rule = this.ruleOr404(ruleId);
    if (rule.deleted_at) throw badRequest('A deleted discount rule cannot be given to customers');
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
      if (kind !== '*' && balance)
        this.sql.exec('UPDATE rules SET stat_debit_balance = stat_debit_balance + ? WHERE id = ?', balance, ruleId);
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
    if (r.kind !== '*' && r.debit_balance) {
      this.sql.exec(
        'UPDATE rules SET stat_debit_balance = stat_debit_balance - ? WHERE id = ?',
        r.debit_balance,
        r.rule_id,
      );
    }
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
    if (q.starting_after) where.add('seq > ?', this.seqOf(q.starting_after));
    const rows = all<RefRow>(this.sql, `SELECT * FROM refs ${where} ORDER BY seq LIMIT ?`, ...where.args, q.limit);
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
    const slice = row.kind === '*' && customerId !== null;
    const owner = slice ? 'AND customer_id = ?' : '';
    const args = slice ? [row.id, customerId] : [row.id];
    // Unspent stamps only; rows the cleanup expired no longer count for any purchase it judges
    // (docs/maintenance.md), so they are not read at all.
    const stamps = all<{ purchase_at: number; free: number }>(
      this.sql,
      `SELECT purchase_at, stamp - spent AS free FROM ref_usages
       WHERE ref_id = ? ${owner} AND stamp > spent AND released_at IS NULL AND expired_at IS NULL ORDER BY purchase_at`,
      ...args,
    ).map((s) => ({ at: iso(s.purchase_at), quantity: s.free }));
    let { usage, purchases, amount, debit_balance, bonus } = row;
    if (slice) {
      type Sums = Record<'usage' | 'purchases' | 'amount' | 'debit' | 'bonus', number | null>;
      const sums = one<Sums>(
        this.sql,
        `SELECT SUM(usage) AS usage, SUM(usage > 0) AS purchases, SUM(amount) AS amount, SUM(debit) AS debit,
           SUM(bonus) AS bonus
         FROM ref_usages WHERE ref_id = ? AND customer_id = ? AND released_at IS NULL`,
        ...args,
      )!;
      usage = sums.usage ?? 0;
      purchases = sums.purchases ?? 0;
      amount = sums.amount ?? 0;
      bonus = sums.bonus ?? 0;
      debit_balance = row.debit_balance - (sums.debit ?? 0);
    }
    return {
      id: row.id,
      rule_id: row.rule_id,
      customer_id: row.customer_id,
      kind: row.kind,
      created_at: iso(row.created_at),
      deleted_at: row.deleted_at === null ? null : iso(row.deleted_at),
      usage,
      purchases,
      amount,
      bonus,
      debit_balance,
      stamps,
    };
  }

  statistics(state: RefState, rule: Rule | undefined, now = Date.now()): RefStatistics {
    return {
      stamp: state.stamps.reduce((s, x) => s + x.quantity, 0),
      current_stamp: rule ? currentStamps(state, rule, now) : 0,
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
    const rule = this.rule(row.rule_id)!;
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
      throw badRequest(
        'This ref was given to every customer; take it back with DELETE /discounts/rules/{did}/customers',
      );
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
      this.record(
        row,
        owner,
        {
          source: 'usage_ref',
          sourceRef: input.ref,
          refType: input.ref_type,
          usage: input.usage,
          amount: input.amount,
          stamp: input.stamp,
          purchaseAt: now,
          actor,
          shortfall: () =>
            badRequest('The ref holds fewer valid stamps than this usage redeems', [
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
        const rule = this.rule(row.rule_id)!;
        const state = this.state(row, customerId);
        if (now < visibleFrom(rule)) continue;
        if (usedUp(state, rule)) continue;
        if (now > dynamicEnd(row, rule)) continue;
        if (!visit(row, rule, state)) return;
      }
      if (rows.length < 200) return;
    }
  }

  /**
   * What the engine needs for one purchase: the customer's own refs and `*` refs (each `*` ref
   * with this customer's usage and stamps), or only `/` refs when customerId is null; live refs
   * only, each with its stamps. `ruleIds`: only refs of these rules (the ones the receipt reaches).
   */
  forPurchase(customerId: string | null, ruleIds: Iterable<string>): RefState[] {
    const [who, whoArgs] =
      customerId === null
        ? [`kind = '/'`, []]
        : [`((kind = 'customer' AND customer_id = ?) OR kind = '*')`, [customerId]];
    const rows = all<RefRow>(
      this.sql,
      `SELECT * FROM refs WHERE deleted_at IS NULL AND ${who} ` +
        `AND rule_id IN (SELECT value FROM json_each(?)) ORDER BY seq`,
      ...whoArgs,
      JSON.stringify([...ruleIds]),
    );
    return rows.map((r) => this.state(r, customerId));
  }

  // ---- the ledger

  /**
   * Adds one ledger row and the same amounts to the ref's and the rule's counters. A debit ref
   * gives at most its balance: `debit` is what was actually taken, so a release restores exactly it.
   */
  record(row: RefRow, customerId: string | null, u: UsageInput, now = Date.now()): { id: string; debit: number } {
    const rule = this.rule(row.rule_id)!;
    let debit = 0;
    if (isDebit(rule) && u.amount > 0) {
      debit = Math.min(u.amount, Math.max(this.state(row, customerId).debit_balance, 0));
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
      stampOldest(rule, u.purchaseAt),
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
      const ref = this.row(u.ref_id)!;
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
    this.sql.exec(
      'UPDATE refs SET usage = usage + ?, purchases = purchases + ?, amount = amount + ?, ' +
        'stamp = stamp + ?, debit_balance = debit_balance - ?, bonus = bonus + ? WHERE id = ?',
      usage,
      Math.sign(usage),
      amount,
      stamp,
      refDebit,
      bonus,
      ref.id,
    );
    this.sql.exec(
      `UPDATE rules SET stat_usage = stat_usage + ?, stat_amount = stat_amount + ?, stat_stamp = stat_stamp + ?,
         stat_debit_balance = stat_debit_balance - ? WHERE id = ?`,
      usage,
      amount,
      stamp,
      ruleDebit,
      ref.rule_id,
    );
  }

  /** Dintero's `DiscountUsage[]` (discount-usages.ts); a `*` ref's statistics sum every customer. */
  discountUsages(ruleId: string, q: DiscountUsageQuery) {
    this.ruleOr404(ruleId);
    return discountUsages<RefRow>(this.sql, ruleId, q, (row) =>
      this.statistics(this.state(row, null), this.rule(row.rule_id)),
    );
  }

  /** The ledger: every row, released ones too (`GET /rules/{did}/ledger`). */
  usages(ruleId: string, q: UsageListQuery): { usages: UsageEntry[]; total?: number } {
    this.ruleOr404(ruleId);
    const where = new Where().add('rule_id = ?', ruleId);
    if (q.ref_id) where.add('ref_id = ?', q.ref_id);
    if (q.customer_id) where.add('customer_id = ?', q.customer_id);
    const total = q.total
      ? one<{ n: number }>(this.sql, `SELECT COUNT(*) AS n FROM ref_usages ${where}`, ...where.args)!.n
      : undefined;
    if (q.starting_after) {
      where.add('seq > ?', cursorSeq(this.sql, 'ref_usages', 'usage entry', q.starting_after));
    }
    const rows = all<UsageRow>(
      this.sql,
      `SELECT * FROM ref_usages ${where} ORDER BY seq LIMIT ?`,
      ...where.args,
      q.limit,
    );
    return { usages: rows.map(toUsage), total };
  }
}
