import {
  compileRules,
  evaluate,
  recompileRule,
  reachableRuleIds,
  type CompiledRules,
  type EvaluationResult,
  type Receipt,
  type RefState,
} from '../engine';
import type { ReceiptInput } from '../schemas/receipt';
import type { Rule } from '../schemas/rule';

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
}

/**
 * Runs the pure engine against the account's data. The compiled rule set lives in the object's
 * memory: compiled whole once, then after each rule write only that rule is compiled again
 * (`rulesChanged(ids)`, shared/engine/incremental.ts), not on every request.
 */
export class ReceiptEvaluator {
  private compiled: CompiledRules | undefined;
  /** How often all rules were compiled since the object started: once, not per receipt or write. */
  compilations = 0;
  /** Rules compiled one by one after a write since the object started. */
  recompiled = 0;

  constructor(private readonly sources: EvaluationSources) {}

  /**
   * Rules `ids` were written (created, changed, deleted, archived): each is read again as stored
   * and replaces its compiled form. Without ids, everything is compiled again at the next use.
   */
  rulesChanged(ids?: readonly string[]): void {
    if (!ids) this.compiled = undefined;
    if (!this.compiled || !ids) return;
    for (const id of ids) {
      this.compiled = recompileRule(this.compiled, id, this.sources.liveRule(id));
      this.recompiled++;
    }
  }

  private rules(): CompiledRules {
    if (!this.compiled) {
      this.compiled = compileRules(this.sources.liveRules());
      this.compilations++;
    }
    return this.compiled;
  }

  /** `explain`: add `explanations` for the reachable rules and those named in `explain_rules`. */
  evaluate(sent: ReceiptInput, now: string, explain = false): EvaluationResult {
    // `explain_rules` is a question to rabatt, not part of the purchase: never echoed.
    const { explain_rules: named = [], ...withoutNamed } = sent;
    const receipt = this.withoutOwnLines(withoutNamed);
    const customerId = this.customerOf(receipt);
    const facts = customerId ? this.sources.customerFacts(customerId) : null;
    // Stored facts fill in what the receipt does not say, so `requirement.customer` can match a
    // customer the POS only knows by id. They are not copied into the answer.
    const seen: Receipt = facts ? { ...receipt, customer: { ...facts, ...receipt.customer } } : (receipt as Receipt);
    const rules = this.rules();
    // A token nobody registered means an unknown shopper: no discounts at all, not the `/` ones.
    // Ref state (usage, stamps) is loaded only for rules some line can reach.
    const ids = reachableRuleIds(seen, rules, now);
    if (explain) for (const id of named) ids.add(id);
    const refs = customerId === undefined ? [] : this.sources.refsForPurchase(customerId, ids);
    const result = evaluate({ receipt: seen, rules, refs, now, ...(explain && { explain: { rules: named } }) });
    if (facts) {
      if (receipt.customer === undefined) delete result.receipt.customer;
      else result.receipt.customer = receipt.customer;
    }
    // A shopper known only by token: the answer says who it was, so the claim can name them.
    if (customerId && !receipt.customer_id) result.receipt.customer_id = customerId;
    return result;
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
