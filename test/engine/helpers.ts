// Small builders so each test states only what it is about.
import { compileRules, evaluate } from '../../shared/engine';
import type {
  Limitation,
  Receipt,
  ReceiptItem,
  Requirement,
  Reward,
  RefState,
  ResultReceipt,
  Rule,
} from '../../shared/engine';

export const NOW = '2024-06-03T12:00:00Z'; // a Monday, 14:00 in Oslo

export function rule(
  id: string,
  reward: Reward,
  req: Partial<Requirement> = {},
  lim?: Limitation,
  extra: Partial<Rule> = {},
): Rule {
  return {
    id,
    created_at: '2024-01-01T00:00:00Z',
    active: true,
    name: `rule ${id}`,
    requirement: { purchase_from: '2024-01-01T00:00:00Z', purchase_to: '2024-12-31T23:59:59Z', ...req },
    reward,
    ...(lim ? { limitation: lim } : {}),
    ...extra,
  };
}

export function item(id: string, gross: number, extra: Partial<ReceiptItem> = {}): ReceiptItem {
  return { id, gross_amount: gross, quantity: 1, ...extra };
}

export function receipt(items: ReceiptItem[], extra: Partial<Receipt> = {}): Receipt {
  return {
    receipt_id: 'r1',
    purchase_at: NOW,
    store: { id: 'sc029' },
    currency: 'NOK',
    items: items.map((it, i) => ({ line_id: i + 1, ...it })),
    ...extra,
  };
}

export function ref(ruleId: string, extra: Partial<RefState> = {}): RefState {
  return {
    id: `ref-${ruleId}`,
    rule_id: ruleId,
    customer_id: null,
    kind: '*',
    created_at: '2024-01-01T00:00:00Z',
    usage: 0,
    purchases: 0,
    amount: 0,
    debit_balance: 0,
    stamps: [],
    ...extra,
  };
}

/** Evaluate with one `*` ref per rule unless refs are given. */
export function run(rules: Rule[], rcpt: Receipt, opts: { refs?: RefState[]; now?: string } = {}): ResultReceipt {
  return evaluate({
    receipt: rcpt,
    rules: compileRules(rules),
    refs: opts.refs ?? rules.map((r) => ref(r.id)),
    now: opts.now ?? NOW,
  }).receipt;
}

/** New customer discount per line, in receipt order. */
export function lines(res: ResultReceipt): number[] {
  return res.items.map((i) =>
    i.discount_lines.filter((d) => d.discount_type === 'customer').reduce((s, d) => s + (d.amount ?? 0), 0),
  );
}

export function bonuses(res: ResultReceipt): number[] {
  return res.items.map((i) => i.bonus_lines.reduce((s, d) => s + (d.bonus ?? 0), 0));
}

/** Total per rule id, from discounts[].refs[0].amount. */
export function totals(res: ResultReceipt): Record<string, number> {
  return Object.fromEntries(res.discounts.map((d) => [d.id, d.refs[0]?.amount ?? 0]));
}

export function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

export const pct = (value: number, extra: Partial<Reward> = {}): Reward => ({
  type: 'discount_percent',
  value,
  ...extra,
});
export const off = (value: number, extra: Partial<Reward> = {}): Reward => ({
  type: 'discount_amount',
  value,
  ...extra,
});
