import {
  compileRules,
  evaluate,
  prepare,
  recompileRule,
  type Prepared,
  type CompiledRules,
  type EvaluationResult,
  type Receipt,
  type RefState,
} from '../engine';
import { withoutValues } from '../engine/explain';
import type { BudgetsLeft } from '../engine/budgets';
import type { ReceiptInput } from '../schemas/receipt';
import type { Rule } from '../schemas/rule';
import type { PoolMatch } from './codes';

/** What the evaluator needs from the rest of the account's store. */
export interface EvaluationSources {
  /** Every rule that is not deleted, as stored. */
  liveRules(): Rule[];
  /** Rule `id` as stored when it is live (neither deleted nor archived), else undefined. */
  liveRule(id: string): Rule | undefined;
  /** The customer's own refs plus `*` refs, or the `/` refs when there is no customer; only of `ruleIds`. */
  refsForPurchase(customerId: string | null, ruleIds: Set<string>): RefState[];
  resolveToken(token: { token_id?: string; type?: string; value?: string }): string | null;
  /** The stored customer, for `requirement.customer` matching; null when unknown. */
  customerFacts(customerId: string): Record<string, unknown> | null;
  /** Whether `id` is (or was) a rule of this account, deleted ones included. */
  isRule(id: string): boolean;
  /** The receipt's codes against the account's code pools (docs/codes.md); absent: no pools. */
  poolCodes?(receiptCodes: readonly string[] | undefined): PoolMatch;
  /** What is left of these rules' budgets (docs/budgets.md); undefined when none has one. */
  budgetsLeft?(ruleIds: Set<string>, ruleOf: (id: string) => Rule | undefined): BudgetsLeft | undefined;
}

/** What an evaluation found of the receipt's codes: for the code-guessing rate limit (docs/codes.md). */
export interface CodeOutcome {
  /** Codes of the receipt that are neither in a pool nor a live rule's `requirement.discount_code`. */
  misses: string[];
}

/**
 * Runs the pure engine against the account's data. The compiled rule set lives in the object's
 * memory: compiled whole once, then after each rule write only that rule is compiled again
 * (`rulesChanged(ids)`, shared/engine/incremental.ts), not on every request.
 */
export class ReceiptEvaluator {
  private compiled: CompiledRules | undefined;
  /** The live rules' own `requirement.discount_code`s, built with `compiled`. */
  private plain: Set<string> | undefined;
  /** How often all rules were compiled since the object started: once, not per receipt or write. */
  compilations = 0;
  /** Rules compiled one by one after a write since the object started. */
  recompiled = 0;

  constructor(private readonly sources: EvaluationSources) {}

  /**
   * Rules `ids` were written (created, changed, deleted, archived): each is read again as stored
   * and replaces its compiled form. Without ids, everything is compiled again at the next use.
   * What is derived from the whole set (plain codes, whether shipping rules exist) is derived again.
   */
  rulesChanged(ids?: readonly string[]): void {
    this.plain = undefined;
    this.shipping = undefined;
    if (!ids) this.compiled = undefined;
    if (!this.compiled || !ids) return;
    for (const id of ids) {
      this.compiled = recompileRule(this.compiled, id, this.sources.liveRule(id));
      this.recompiled++;
    }
  }

  private shipping: boolean | undefined;
  /** Whether a usable rule rewards shipping (docs/shipping.md); known until the rules change. */
  shippingRules(): boolean {
    this.shipping ??= [...this.rules().byId.values()].some((c) => c.shipping && c.usable);
    return this.shipping;
  }

  private rules(): CompiledRules {
    if (!this.compiled) {
      this.compiled = compileRules(this.sources.liveRules());
      this.compilations++;
    }
    return this.compiled;
  }

  /**
   * `explain`: add `explanations` for the reachable rules and those named in `explain_rules`.
   * `codes` (when given) learns which of the receipt's codes matched nothing.
   */
  evaluate(sent: ReceiptInput, now: string, explain = false, codes?: CodeOutcome): EvaluationResult {
    // `explain_rules` is a question to rabatt, not part of the purchase: never echoed.
    const { explain_rules: named = [], ...withoutNamed } = sent;
    return this.evaluateAll([withoutNamed], now, explain ? named : undefined, codes)[0] as EvaluationResult;
  }

  /**
   * Receipts of one purchase that differ only in their lines and totals (the express callback's
   * shipping options, docs/shipping.md, built from one session receipt: same customer, same codes),
   * each evaluated as `evaluate` would: what the store reads for the purchase (customer, refs, pool
   * codes, budgets) is read once, for the rules any of them can reach.
   */
  evaluateEach(receipts: readonly ReceiptInput[], now: string): EvaluationResult[] {
    if (receipts.length === 0) return [];
    // `explain_rules` is a question to rabatt, not part of the purchase: never echoed.
    return this.evaluateAll(
      receipts.map(({ explain_rules: _, ...r }) => r),
      now,
    );
  }

  /** Receipts sharing their customer and codes; `named`: explain these rules (and every reachable one). */
  private evaluateAll(
    sent: readonly ReceiptInput[],
    now: string,
    named?: readonly string[],
    codes?: CodeOutcome,
  ): EvaluationResult[] {
    const receipts = sent.map((r) => this.withoutOwnLines(r));
    const first = receipts[0] as ReceiptInput;
    const customerId = this.customerOf(first);
    const facts = customerId ? this.sources.customerFacts(customerId) : null;
    // Stored facts fill in what the receipt does not say, so `requirement.customer` can match a
    // customer the POS only knows by id. They are not copied into the answer.
    const seen = receipts.map(
      (r): Receipt => (facts ? { ...r, customer: { ...facts, ...r.customer } } : (r as Receipt)),
    );
    const rules = this.rules();
    // A token nobody registered means an unknown shopper: no discounts at all, not the `/` ones.
    // Ref state (usage, stamps) is loaded only for rules some line can reach.
    const prepared = seen.map((r) => prepare(r, rules, now));
    const ids = (prepared[0] as Prepared).ids;
    for (let i = 1; i < prepared.length; i++) for (const id of (prepared[i] as Prepared).ids) ids.add(id);
    for (const id of named ?? []) ids.add(id);
    const refs = customerId === undefined ? [] : this.sources.refsForPurchase(customerId, ids);
    const pools = this.sources.poolCodes?.(first.discount_code);
    if (codes) codes.misses = this.misses(pools, first.discount_code);
    // Stored rules are engine rules (rule.ts), so the compiled set's bodies are the stored ones.
    const budgets = this.sources.budgetsLeft?.(ids, (id) => rules.byId.get(id)?.rule as Rule | undefined);
    return receipts.map((receipt, i) => {
      const result = evaluate({
        receipt: seen[i] as Receipt,
        rules,
        refs,
        now,
        prepared: prepared[i],
        ...(named && { explain: { rules: named } }),
        ...(pools?.byRule && { poolCodes: pools.byRule }),
        ...(budgets && { budgets }),
      });
      if (facts) {
        if (receipt.customer === undefined) delete result.receipt.customer;
        else result.receipt.customer = receipt.customer;
      }
      // A shopper known only by token: the answer says who it was, so the claim can name them.
      if (customerId && !receipt.customer_id) result.receipt.customer_id = customerId;
      return result;
    });
  }

  private misses(pools: PoolMatch | undefined, sent: readonly string[] | undefined): string[] {
    if (!this.plain) {
      this.plain = new Set();
      for (const c of this.rules().byId.values()) for (const code of c.codes ?? []) this.plain.add(code);
    }
    const plain = this.plain;
    return (pools?.unknown ?? [...new Set(sent ?? [])]).filter((code) => !plain.has(code));
  }

  /**
   * A POS that sends back a receipt rabatt already answered (to add an item, or as the finished
   * purchase for `receipt_add`) carries rabatt's own lines. They are worked out again, never
   * counted as discounts someone else gave: otherwise a rule would apply twice, or a
   * "no other discount" rule would see its own line and drop out.
   */
  private withoutOwnLines(receipt: ReceiptInput): ReceiptInput {
    const ours = (l: { discount_type?: string; discount_id?: string }) =>
      l.discount_type === 'customer' && typeof l.discount_id === 'string' && this.sources.isRule(l.discount_id);
    if (!receipt.items?.some((i) => i.discount_lines?.some(ours) || i.bonus_lines?.some(ours))) return receipt;
    return {
      ...receipt,
      items: receipt.items.map((i) => ({
        ...i,
        ...(i.discount_lines && { discount_lines: i.discount_lines.filter((l) => !ours(l)) }),
        ...(i.bonus_lines && { bonus_lines: i.bonus_lines.filter((l) => !ours(l)) }),
      })),
    };
  }

  /** customer_id, else the token's customer; `undefined` when a token resolves to nobody. */
  private customerOf(receipt: ReceiptInput): string | null | undefined {
    const direct = receipt.customer_id ?? receipt.customer?.customer_id;
    if (direct) return direct;
    const token = receipt.customer?.token;
    if (token && (token.token_id || token.value)) return this.sources.resolveToken(token) ?? undefined;
    return null;
  }
}

/**
 * An evaluation's answer as JSON text (what crosses RPC): the receipt, and with `explain` its
 * explanations; without `values` they keep reasons and fields but drop `needed`/`had` (a rule's
 * private values, for callers that cannot read rules).
 */
export function answerText(result: EvaluationResult, explain: boolean, values: boolean): string {
  if (!explain) return JSON.stringify(result.receipt);
  const explanations = (result.explanations ?? []).map((e) => (values ? e : withoutValues(e)));
  return JSON.stringify({ ...result.receipt, explanations });
}
