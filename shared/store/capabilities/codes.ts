import { invalid } from '../../errors';
import type { CodeListQuery, CodesCreate } from '../../schemas/codes';
import type { ReceiptInput } from '../../schemas/receipt';
import type { Host } from '../account-base';
import type { CodePoolStore } from '../codes';
import { answerText, type CodeOutcome, type ReceiptEvaluator } from '../evaluation';
import type { RuleStore } from '../rules';

export interface CodesHost extends Pick<Host, 'tx'> {
  codes: CodePoolStore;
  rules: RuleStore;
  evaluator: ReceiptEvaluator;
}

/** Code pools (docs/codes.md): a rule's unique codes, and evaluation that reports missed codes. */
export class CodesRpc {
  constructor(private readonly h: CodesHost) {}

  /** Generates or imports codes for a live rule (404 unknown rule, 400 deleted). */
  createCodes(ruleId: string, input: CodesCreate) {
    return this.h.tx(() => {
      this.liveRule(ruleId);
      const created = this.h.codes.add(ruleId, input);
      // The rule now needs a code: what the engine compiled stays, the pool set is read per receipt.
      return created;
    });
  }
  listCodes(ruleId: string, query: CodeListQuery) {
    this.h.rules.get(ruleId, false);
    return this.h.codes.list(ruleId, query);
  }
  deleteCode(ruleId: string, code: string) {
    return this.h.tx(() => {
      this.h.rules.get(ruleId, false);
      return this.h.codes.remove(ruleId, code);
    });
  }

  /**
   * available_for_receipt for a receipt that names codes: the answer as JSON text (as
   * evaluateReceiptJson) and the codes that matched nothing, which the Worker counts against the
   * code-guessing rate limit.
   */
  evaluateReceiptCodes(receipt: string, now: string, explain = false, values = true): { text: string; misses: number } {
    const outcome: CodeOutcome = { misses: [] };
    const result = this.h.evaluator.evaluate(JSON.parse(receipt) as ReceiptInput, now, explain, outcome);
    return { text: answerText(result, explain, values), misses: outcome.misses.length };
  }

  private liveRule(ruleId: string): void {
    const rule = this.h.rules.get(ruleId, false);
    if (rule.deleted_at) throw invalid('A deleted discount rule cannot get codes');
  }
}
