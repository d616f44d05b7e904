import { conflict } from '../../errors';
import type { ReceiptInput } from '../../schemas/receipt';
import type { Rule, RuleInput, RuleListQuery, RuleUpdate } from '../../schemas/rule';
import type { SearchInput, SearchQuery } from '../../schemas/search';
import type { AccountCleanup } from '../../maintenance/cleanup';
import type { Host } from '../account-base';
import type { AutomationStore } from '../automations';
import type { BudgetStore } from '../budgets';
import { answerText, type ReceiptEvaluator } from '../evaluation';
import type { RuleStore } from '../rules';
import type { SearchIndex } from '../search';

export interface RulesHost extends Pick<Host, 'tx'> {
  rules: RuleStore;
  search: SearchIndex;
  evaluator: ReceiptEvaluator;
  automations: Pick<AutomationStore, 'deleteForRule'>;
  maintenance: Pick<AccountCleanup, 'unarchive'>;
  budgets: Pick<BudgetStore, 'ruleStatus'>;
}

/**
 * Rules, their search and receipt evaluation. Every write hands the rule it touched to the
 * compiled rule set the evaluator keeps in memory, and keeps the search index in the write's
 * transaction.
 */
export class RulesRpc {
  constructor(private readonly h: RulesHost) {}

  /**
   * Evaluation never writes. The hot path's form: the receipt (already validated by the Worker) in
   * and the answer out as JSON text. Strings cross RPC as one copy; the same objects cost a
   * structured clone each way, several times the JSON work for a 50-line receipt
   * (bench/RESULTS.md, "Hot paths"). With `explain`, the answer carries `explanations[]`; without
   * `values` (a caller that may not read rules) only their reasons and fields (docs/explain.md).
   */
  evaluateReceiptJson(receipt: string, now: string, explain = false, values = true): string {
    return answerText(this.h.evaluator.evaluate(JSON.parse(receipt) as ReceiptInput, now, explain), explain, values);
  }

  /** `keptId`: an import keeps the source's rule id (409 if a rule, deleted or not, has it). */
  createRule(input: RuleInput, actor: string, keptId?: string) {
    const id = keptId ?? crypto.randomUUID();
    return this.written(id, () =>
      this.h.tx(() => {
        if (keptId && this.h.rules.exists(keptId)) throw conflict(`A rule with id ${keptId} exists`);
        return this.indexed(this.h.rules.create(input, actor, id));
      }),
    );
  }
  searchRules(input: SearchInput, query: SearchQuery) {
    return this.h.search.search(input, query);
  }
  /** With `budget` (used and left) when the rule has one: docs/budgets.md. */
  getRule(id: string, withStatistics: boolean) {
    const rule = this.h.rules.get(id, withStatistics);
    const budget = this.h.budgets.ruleStatus(rule);
    return budget ? { ...rule, budget } : rule;
  }
  listRules(query: RuleListQuery) {
    return this.h.rules.list(query);
  }
  updateRule(id: string, patch: RuleUpdate, actor: string, expireStamps = false) {
    // An archived rule that is changed (e.g. purchase_to moved later) rejoins the engine's set;
    // the next cleanup archives it again if its window still ended long ago.
    return this.written(id, () =>
      this.h.tx(() =>
        this.indexed(this.h.maintenance.unarchive(id, this.h.rules.update(id, patch, actor, expireStamps))),
      ),
    );
  }
  deleteRule(id: string, actor: string) {
    // Deleting a discount deletes the automations that give it (Dintero: "rules automations
    // belonging to the discount will be deleted").
    return this.written(id, () =>
      this.h.tx(() => {
        const deleted = this.h.rules.delete(id, actor);
        this.h.search.unindex(id);
        this.h.automations.deleteForRule(id, actor);
        return deleted;
      }),
    );
  }

  /**
   * After a write to rule `id`, committed or rolled back, the evaluator reads that rule as stored
   * and recompiles it alone: what storage holds decides, whatever the write did.
   */
  private written<T>(id: string, write: () => T): T {
    try {
      return write();
    } finally {
      this.h.evaluator.rulesChanged([id]);
    }
  }

  /** Rule search's index follows every rule write, in the write's transaction. */
  private readonly indexed = (rule: Rule) => {
    this.h.search.index(rule);
    return rule;
  };
}
