import type { CustomerRulesQuery, RefGive, RefListQuery, RefTake, UsageListQuery, UsageRef } from '../../schemas/ref';
import type { DiscountUsageQuery } from '../../schemas/usage';
import type { Host } from '../account-base';
import type { RefStore } from '../refs';
import type { RuleStore } from '../rules';

export interface RefsHost extends Pick<Host, 'tx'> {
  refs: RefStore;
  rules: RuleStore;
}

/** Refs: rules given to customers, `*` or `/`, and their usage ledger (docs/refs.md). */
export class RefsRpc {
  constructor(private readonly h: RefsHost) {}

  /** Dintero answers giving and taking back with the rule and its statistics; `refs` says which refs changed. */
  giveRule(ruleId: string, input: RefGive, actor: string) {
    return this.h.tx(() => {
      const refs = this.h.refs.give(ruleId, input, actor);
      return { ...this.h.rules.get(ruleId, true), refs };
    });
  }
  takeRule(ruleId: string, input: RefTake, actor: string) {
    return this.h.tx(() => {
      const refs = this.h.refs.take(ruleId, input.customers, actor);
      return { ...this.h.rules.get(ruleId, true), refs };
    });
  }
  listRefs(ruleId: string, query: RefListQuery) {
    return this.h.refs.list(ruleId, query);
  }
  /** Dintero's `DiscountUsage[]`: one entry per ref (a `*` ref's figures sum every customer). */
  listUsages(ruleId: string, query: DiscountUsageQuery) {
    return this.h.refs.discountUsages(ruleId, query);
  }
  /** The rule's ledger: one entry per row a claim, receipt or usage_ref wrote (released ones too). */
  listLedger(ruleId: string, query: UsageListQuery) {
    return this.h.refs.ledger.usages(ruleId, query);
  }
  customerRules(customerId: string, query: CustomerRulesQuery) {
    return this.h.refs.customerRules(customerId, query);
  }
  customerRef(customerId: string, refId: string) {
    return this.h.refs.customerRef(customerId, refId);
  }
  addRefUsage(customerId: string, refId: string, usage: UsageRef | undefined, actor: string) {
    return this.h.tx(() => this.h.refs.addUsage(customerId, refId, usage, actor));
  }
  deleteCustomerRef(customerId: string, refId: string, actor: string) {
    return this.h.tx(() => this.h.refs.deleteCustomerRef(customerId, refId, actor));
  }
}
