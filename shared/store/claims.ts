import type { EvaluationResult, Receipt } from '../engine';
import { inDynamicWindow, refLimits, unusableReason, usedUp } from '../engine/usability';
import { conflict, internal, notFound, refused as refusedClaim } from '../errors';
import type { Claim, ClaimInput, ClaimListQuery } from '../schemas/claim';
import type { Rule } from '../schemas/rule';
import type { CodePoolStore } from './codes';
import type { BudgetEntry, BudgetStore } from './budgets';
import type { Migration } from './migrations';
import type { RefRow } from './ref-rows';
import type { RefStore } from './refs';
import type { RuleStore } from './rules';
import { all, one, paging, Where, type Sql } from './sql';
import { iso } from '../time';

/**
 * Claims: what a purchase took from refs. The claim row keeps the answer as returned plus the
 * hash of the body its `ref` is bound to; the refs' statistics change through the usage ledger
 * (shared/store/ledger.ts) in the same transaction, so a claim commits whole or not at all.
 */
export const claimMigrations: Migration[] = [
  {
    id: 'claims/001',
    statements: [
      `CREATE TABLE claims (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        ref TEXT UNIQUE,
        body_hash TEXT NOT NULL,
        customer_id TEXT,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        deleted_at INTEGER
      )`,
      'CREATE INDEX claims_by_customer ON claims (customer_id, seq)',
      // receipt_add records each receipt once, whether or not it earned anything.
      `CREATE TABLE recorded_receipts (
        receipt_id TEXT PRIMARY KEY,
        customer_id TEXT,
        refs INTEGER NOT NULL,
        recorded_at INTEGER NOT NULL,
        recorded_by TEXT NOT NULL
      )`,
    ],
  },
  {
    id: 'claims/002',
    statements: [
      // Receipt ids are per till or store (two stores both number a receipt "1001"), so a receipt
      // is the pair (store.id, receipt_id). Rows recorded before this migration do not know their
      // store: they keep store_id '' (no real store id is empty) and still stand for every store,
      // so a retry of an old receipt can never count twice (docs/claims.md).
      `CREATE TABLE recorded_receipts_by_store (
        receipt_id TEXT NOT NULL,
        store_id TEXT NOT NULL,
        customer_id TEXT,
        refs INTEGER NOT NULL,
        recorded_at INTEGER NOT NULL,
        recorded_by TEXT NOT NULL,
        PRIMARY KEY (receipt_id, store_id)
      ) WITHOUT ROWID`,
      `INSERT INTO recorded_receipts_by_store (receipt_id, store_id, customer_id, refs, recorded_at, recorded_by)
       SELECT receipt_id, '', customer_id, refs, recorded_at, recorded_by FROM recorded_receipts`,
      'DROP TABLE recorded_receipts',
      'ALTER TABLE recorded_receipts_by_store RENAME TO recorded_receipts',
    ],
  },
];

/** A receipt as receipt_add records it: its id is unique per store only. */
export interface ReceiptKey {
  receipt_id: string;
  store: { id: string };
}

/** What an import keeps of a claim (docs/claims.md "Imports"). */
export interface KeptClaim {
  id: string;
  createdMs: number;
}

interface ClaimRow {
  seq: number;
  id: string;
  ref: string | null;
  body_hash: string;
  body: string;
  deleted_at: number | null;
}

const refused = (field: string, code: string, message: string) =>
  refusedClaim('This claim cannot be committed', [{ field, code, message }]);

/** Whether `customerId` (absent = anonymous purchase) may use the ref at all. */
function holds(ref: RefRow, customerId: string | null): boolean {
  if (ref.kind === 'customer') return ref.customer_id === customerId;
  return ref.kind === '*' ? customerId !== null : customerId === null;
}

/** Whose ledger rows a purchase on this ref writes: a `*` ref's are the buying customer's. */
const ownerOf = (ref: RefRow, customerId: string | null) => (ref.kind === '*' ? customerId : ref.customer_id);

export class ClaimStore {
  constructor(
    private readonly sql: Sql,
    private readonly refs: RefStore,
    private readonly rules: RuleStore,
    private readonly codes: CodePoolStore,
    /** Budgets (docs/budgets.md): what claims and receipts take, checked against the caps. */
    private readonly budgets?: Pick<BudgetStore, 'take' | 'giveBack'>,
  ) {}

  /**
   * Commits a claim, or answers the claim already stored under `ref`: the same body hash replays
   * it (released or not), another body is a 409. Any refused ref throws, which rolls back the
   * caller's transaction, so no ref of a refused claim keeps anything.
   */
  claim(
    input: ClaimInput,
    ref: string | null,
    bodyHash: string,
    actor: string,
    now = Date.now(),
    windowAt = now,
  ): { claim: Claim; replayed: boolean } {
    return this.commit(input, ref, bodyHash, actor, now, windowAt);
  }

  /**
   * An import records a claim as the source holds it (`keep_id=true`, docs/claims.md "Imports"):
   * its `id` and `created_at` kept, the ledger rows dated `purchase_at` and created at
   * `created_at`. The same id with the same content answers the stored claim (released or not);
   * the id or the `ref` taken with other content is a 409. What was checked when the source
   * committed it (windows, reward and repeat limits) is not judged again; refs, holders, budgets
   * and stamps (valid at `purchase_at`, as imported with their source's time) are.
   */
  keep(input: ClaimInput, ref: string | null, bodyHash: string, actor: string, kept: KeptClaim) {
    const prior = one<ClaimRow>(this.sql, 'SELECT * FROM claims WHERE id = ?', kept.id);
    if (prior) {
      const claim = JSON.parse(prior.body) as Claim;
      const same = prior.body_hash === bodyHash && prior.ref === ref && claim.created_at === iso(kept.createdMs);
      if (!same) throw conflict('A claim with this id exists with other content');
      return { claim, replayed: true };
    }
    if (ref !== null && one(this.sql, 'SELECT 1 FROM claims WHERE ref = ?', ref))
      throw conflict('This ref was already used for another claim');
    return this.commit(input, ref, bodyHash, actor, kept.createdMs, kept.createdMs, kept);
  }

  private commit(
    input: ClaimInput,
    ref: string | null,
    bodyHash: string,
    actor: string,
    now: number,
    windowAt: number,
    kept?: KeptClaim,
  ): { claim: Claim; replayed: boolean } {
    if (ref !== null && !kept) {
      const prior = one<ClaimRow>(this.sql, 'SELECT * FROM claims WHERE ref = ?', ref);
      if (prior) {
        if (prior.body_hash !== bodyHash) throw conflict('This ref was already used for a claim with a different body');
        return { claim: JSON.parse(prior.body) as Claim, replayed: true };
      }
    }
    const id = kept?.id ?? crypto.randomUUID();
    const purchaseAt = Date.parse(input.purchase_at);
    const customerId = input.customer_id ?? null;
    const seen = new Set<string>();
    const spend: BudgetEntry[] = [];
    input.discounts.forEach((discount, i) => {
      // A pool rule's claim takes one use of the code it names (docs/codes.md).
      const use = { source: 'claim' as const, sourceRef: id, field: `discounts.${i}.code` };
      // An imported claim's code was taken from the source's pool; pools are not imported (docs/import.md).
      if (!kept) this.codes.take(discount.id, discount.code, use, now);
      discount.refs.forEach((r, j) => {
        const field = `discounts.${i}.refs.${j}`;
        if (seen.has(r.id)) throw refused(`${field}.id`, 'duplicate', 'A ref may appear only once in a claim');
        seen.add(r.id);
        const row = this.refs.row(r.id);
        if (!row) throw refused(`${field}.id`, 'unknown_ref', 'No ref with this id');
        if (row.rule_id !== discount.id)
          throw refused(`${field}.id`, 'wrong_discount', 'The ref does not belong to this discount');
        if (!holds(row, customerId)) throw refused(`${field}.id`, 'not_held', 'The ref is not held by this customer');
        const rule = this.rules.body(row.rule_id)!;
        if (!kept) this.usable(row, rule, r, field, customerId, purchaseAt, windowAt);
        spend.push({
          ruleId: row.rule_id,
          amount: r.amount + ('bonus' in r ? (r.bonus ?? 0) : 0),
          usage: r.usage,
          field,
        });
        this.refs.ledger.record(
          row,
          ownerOf(row, customerId),
          {
            source: 'claim',
            sourceRef: id,
            usage: r.usage,
            amount: r.amount,
            stamp: r.stamp,
            bonus: 'bonus' in r ? r.bonus : 0,
            purchaseAt,
            actor,
            shortfall: () =>
              refused(`${field}.usage`, 'stamps', 'The ref holds fewer valid stamps than this claim redeems'),
          },
          now,
        );
      });
    });
    this.budgets?.take('claim', id, spend);
    const at = new Date(now).toISOString();
    const claim: Claim = {
      id,
      purchase_at: input.purchase_at,
      ...(input.customer_id !== undefined && { customer_id: input.customer_id }),
      discounts: input.discounts,
      ...(ref !== null && { ref }),
      ...(input.type !== undefined && { type: input.type }),
      created_at: at,
      created_by: actor,
      updated_at: at,
      updated_by: actor,
    };
    this.sql.exec(
      'INSERT INTO claims (id, ref, body_hash, customer_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      id,
      ref,
      bodyHash,
      customerId,
      JSON.stringify(claim),
      now,
    );
    return { claim, replayed: false };
  }

  /** What a till's claim must meet at `purchaseAt` (an imported one met it on its source). */
  private usable(
    row: RefRow,
    rule: Rule,
    r: ClaimInput['discounts'][number]['refs'][number],
    field: string,
    customerId: string | null,
    purchaseAt: number,
    windowAt: number,
  ): void {
    const reason = unusableReason({ deleted: row.deleted_at !== null, createdMs: row.created_at }, rule, purchaseAt);
    if (reason) throw refused(`${field}.id`, 'not_usable', reason);
    // A backdated purchase_at cannot reopen a dynamic window: it is also judged at `windowAt`,
    // the claim's arrival (checkout: when rabatt evaluated the session). docs/security.md.
    if (!inDynamicWindow(refLimits(rule), row.created_at, windowAt))
      throw refused(`${field}.id`, 'not_usable', "The ref's dynamic_purchase_to_days window has passed");
    const rewardUsage = rule.limitation?.discount_reward_usage ?? -1;
    if (rewardUsage >= 0 && r.usage > rewardUsage) {
      throw refused(
        `${field}.usage`,
        'discount_reward_usage',
        `The discount allows at most ${rewardUsage} rewards per purchase`,
      );
    }
    if (usedUp(refLimits(rule), this.refs.state(row, customerId).purchases)) {
      throw refused(
        `${field}.id`,
        'discount_repeat_usage',
        'The ref has no purchases left under discount_repeat_usage',
      );
    }
  }

  get(id: string): Claim {
    const row = one<ClaimRow>(this.sql, 'SELECT * FROM claims WHERE id = ?', id);
    if (!row) throw notFound('Claim');
    return JSON.parse(row.body) as Claim;
  }

  /** The claim stored under `ref`, with the hash its body is bound to. */
  byRef(ref: string): { claim: Claim; bodyHash: string } | undefined {
    const row = one<ClaimRow>(this.sql, 'SELECT * FROM claims WHERE ref = ?', ref);
    return row && { claim: JSON.parse(row.body) as Claim, bodyHash: row.body_hash };
  }

  list(q: ClaimListQuery): { claims: Claim[]; total?: number } {
    const where = new Where();
    if (q.ref) where.add('ref = ?', q.ref);
    if (q.customer_id) where.add('customer_id = ?', q.customer_id);
    const total = q.total
      ? one<{ n: number }>(this.sql, `SELECT COUNT(*) AS n FROM claims ${where}`, ...where.args)!.n
      : undefined;
    const order = paging(this.sql, where, q, { table: 'claims', what: 'claim' });
    const rows = all<ClaimRow>(
      this.sql,
      `SELECT body FROM claims ${where} ORDER BY ${order} LIMIT ?`,
      ...where.args,
      q.limit,
    );
    return { claims: rows.map((r) => JSON.parse(r.body) as Claim), total };
  }

  /** Reverts exactly what the claim added. Releasing again changes nothing; the `ref` stays taken. */
  release(id: string, actor: string, now = Date.now()): { claim: Claim; bodyHash: string; released: boolean } {
    const row = one<ClaimRow>(this.sql, 'SELECT * FROM claims WHERE id = ?', id);
    if (!row) throw notFound('Claim');
    if (row.deleted_at !== null)
      return { claim: JSON.parse(row.body) as Claim, bodyHash: row.body_hash, released: false };
    this.refs.ledger.releaseSource('claim', id, actor, now);
    this.codes.release('claim', id, now);
    this.budgets?.giveBack('claim', id, now);
    const at = new Date(now).toISOString();
    const claim: Claim = {
      ...(JSON.parse(row.body) as Claim),
      updated_at: at,
      updated_by: actor,
      deleted_at: at,
      deleted_by: actor,
    };
    this.sql.exec('UPDATE claims SET body = ?, deleted_at = ? WHERE id = ?', JSON.stringify(claim), now, id);
    return { claim, bodyHash: row.body_hash, released: true };
  }

  /** Recorded from this store, or before claims/002 from an unknown store (store_id ''). */
  receiptRecorded(receipt: ReceiptKey): boolean {
    return (
      one(
        this.sql,
        "SELECT 1 FROM recorded_receipts WHERE receipt_id = ? AND store_id IN (?, '')",
        receipt.receipt_id,
        receipt.store.id,
      ) !== undefined
    );
  }

  /**
   * `receipt_add`: what the engine granted a completed receipt (usage, amount, stamps per ref)
   * lands in the ledger under the receipt id, and the receipt id is remembered, so recording the
   * same receipt again changes nothing. The caller evaluates inside the same transaction.
   */
  recordReceipt(
    receipt: Receipt,
    customerId: string | null,
    result: EvaluationResult,
    actor: string,
    now = Date.now(),
  ): { recorded: boolean; refs: number } {
    if (this.receiptRecorded(receipt)) return { recorded: false, refs: 0 };
    const purchaseAt = Date.parse(receipt.purchase_at);
    let touched = 0;
    const spend: BudgetEntry[] = [];
    for (const [i, discount] of result.receipt.discounts.entries()) {
      // The engine offered a pool rule only with a code that has a use left: take it.
      const takes = discount.refs.some((r) => r.usage > 0 || r.amount > 0 || r.bonus > 0);
      if (typeof discount.code === 'string' && takes) {
        const sourceRef = `${receipt.store.id}:${receipt.receipt_id}`;
        this.codes.take(discount.id, discount.code, { source: 'receipt', sourceRef, field: `discounts.${i}` }, now);
      }
      for (const r of discount.refs) {
        // Stamps are whole: weighed goods (fractional quantities) earn their whole units only.
        const stamp = Math.floor(r.stamp);
        if (!r.usage && !r.amount && !stamp && !r.bonus) continue;
        const row = this.refs.row(r.id);
        if (!row) throw internal('The engine named a ref storage does not hold');
        spend.push({ ruleId: row.rule_id, amount: r.amount + r.bonus, usage: r.usage, field: 'receipt' });
        this.refs.ledger.record(
          row,
          ownerOf(row, customerId),
          {
            source: 'receipt',
            sourceRef: receipt.receipt_id,
            usage: r.usage,
            amount: r.amount,
            stamp,
            bonus: r.bonus,
            purchaseAt,
            actor,
            // The engine just counted these stamps in this transaction, so a shortfall is our bug.
            shortfall: () => internal('The engine redeemed stamps storage does not hold'),
          },
          now,
        );
        touched++;
      }
    }
    // The engine offered no more than the budgets had left, in this same transaction.
    this.budgets?.take('receipt', `${receipt.store.id}:${receipt.receipt_id}`, spend);
    this.sql.exec(
      'INSERT INTO recorded_receipts (receipt_id, store_id, customer_id, refs, recorded_at, recorded_by) ' +
        'VALUES (?, ?, ?, ?, ?, ?)',
      receipt.receipt_id,
      receipt.store.id,
      customerId,
      touched,
      now,
      actor,
    );
    return { recorded: true, refs: touched };
  }
}
