// One evaluation: find the rules the receipt and the refs can reach, qualify them, apply them in
// the documented order, and write the result onto a copy of the receipt. Pure: reads no clock
// (`now` is an input) and never writes to its input.

import { exhaustedField, type BudgetsLeft } from './budgets';
import type { CompiledRule, CompiledRules } from './compile';
import { itemDetail, receiptDetail, refDetail } from './explain';
import {
  matchLines,
  receiptMiss,
  refMiss,
  refOk,
  validStamps,
  type Ctx,
  type Line,
  type LineMiss,
  type PoolCodes,
} from './match';
import { contextFor, prepare, type Prepared } from './reach';
import { byAge, chooseOutcome, type Candidate, type Outcome } from './order';
import type { Detail, Explanation, Reason } from './reasons';
import { debitAvailable, type Application } from './rewards';
import type {
  DiscountResult,
  EvaluationResult,
  Receipt,
  ReceiptBonusLine,
  ReceiptDiscountLine,
  RefResult,
  RefIndex,
  RefState,
  ResultItem,
} from './types';

export type { CompiledRules };

export interface EvaluateInput {
  receipt: Receipt;
  rules: CompiledRules;
  /** The refs this purchase may use (customer's own + `*`, or `/`). */
  refs: readonly RefState[];
  /**
   * Optional, same meaning as `refs`, pre-grouped with `indexRefs` (for long-lived refs such as
   * an account's `*` refs); both are used. A ref must not be in both.
   */
  sharedRefs?: RefIndex;
  /** RFC 3339; only for the ref's `dynamic_purchase_to_days` window (with purchase_at). */
  now: string;
  /** Explain every reachable rule, and these rule ids whether reachable or not (docs/explain.md). */
  explain?: { rules?: readonly string[] };
  /**
   * Rules with a code pool (docs/codes.md) and the pool code this receipt named with a use left
   * (null: none). Such a rule applies only with its code, and its discounts[] entry says `code`.
   */
  poolCodes?: PoolCodes;
  /** What is left of each rule's budgets (and its campaign's) before this purchase: docs/budgets.md. */
  budgets?: BudgetsLeft;
  /** `prepare(receipt, rules, now)` of this very receipt, when the caller already made it (reach.ts). */
  prepared?: Prepared;
}

const KIND_RANK = { customer: 0, '*': 1, '/': 2 } as const;

function refOrder(a: RefState, b: RefState): number {
  return (KIND_RANK[a.kind] ?? 3) - (KIND_RANK[b.kind] ?? 3) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Same as idSignature; a separate copy so this hot call site only ever sees ref id strings. */
function refSignature(id: string): number {
  const n = id.length;
  return n === 0 ? 0 : ((id.charCodeAt(0) * 31 + id.charCodeAt(n - 1)) * 31 + id.charCodeAt(n >> 1) + n) & 4095;
}

/**
 * Group refs by rule once, for refs that outlive a request (e.g. an account's `*` / `/` refs kept
 * in memory next to the compiled rules); pass as `sharedRefs`. Then evaluate never touches refs
 * of rules the receipt cannot reach. Rebuild it whenever any of those refs changes.
 */
export function indexRefs(refs: readonly RefState[]): RefIndex {
  const byRule = new Map<string, RefState[]>();
  for (const ref of refs) {
    const list = byRule.get(ref.rule_id);
    if (list) list.push(ref);
    else byRule.set(ref.rule_id, [ref]);
  }
  return { size: refs.length, byRule };
}

/** Ids of the rules some line of this receipt could reach (`prepare` also keeps what it read). */
export function reachableRuleIds(receipt: Receipt, rules: CompiledRules, now: string): Set<string> {
  return prepare(receipt, rules, now).ids;
}

interface Collect {
  rule: CompiledRule;
  ref: RefState;
  stamp: number;
}

export function evaluate(input: EvaluateInput): EvaluationResult {
  const { receipt, rules, refs, now } = input;
  const { ctx, reach } = contextFor(receipt, rules, now, input.poolCodes, input.prepared);
  // Rules named to be explained join the reachable ones. That cannot change the answer: a rule no
  // eligible line reaches through the index fails matchLines (the index keys are patterns every
  // match needs), and an unindexed (inactive, deleted) rule fails receiptMiss.
  for (const id of input.explain?.rules ?? []) {
    const c = rules.byId.get(id);
    if (c) reach.set(id, c);
  }
  const refsByRule = new Map<CompiledRule, RefState[]>();
  const take = (c: CompiledRule, ref: RefState) => {
    const list = refsByRule.get(c);
    if (list) list.push(ref);
    else refsByRule.set(c, [ref]);
  };
  // Most refs belong to rules the receipt cannot reach. A 4096-bit signature filter of the
  // reachable rule ids rejects nearly all of them for a few char reads, where a Map lookup of a
  // non-internalised id string costs several times more; this loop is the only per-evaluation
  // cost that grows with the account's size.
  const bits = new Uint32Array(128);
  for (const c of reach.values()) bits[c.sig >>> 5] = (bits[c.sig >>> 5] as number) | (1 << (c.sig & 31));
  for (const ref of refs) {
    const id = ref.rule_id;
    const h = refSignature(id);
    if (((bits[h >>> 5] as number) & (1 << (h & 31))) === 0) continue;
    const c = reach.get(id);
    if (c) take(c, ref);
  }
  if (input.sharedRefs) {
    for (const [id, c] of reach) for (const ref of input.sharedRefs.byRule.get(id) ?? []) take(c, ref);
  }

  // Without explain only rules with a ref are looked at; with it every reachable rule is, and
  // the first check a rule fails is kept as its reason. The checks are the same either way.
  const misses = input.explain ? new Map<CompiledRule, { reason: Reason; detail: Detail }>() : undefined;
  const why: LineMiss | undefined = misses ? { reason: 'item_quantity', hadMilli: 0 } : undefined;
  const looked = misses ? [...reach.values()].map((c) => [c, refsByRule.get(c) ?? []] as const) : [...refsByRule];

  const qualified: Candidate[] = [];
  const stampRules: Collect[] = [];
  for (const [c, held] of looked.sort((a, b) => byAge(a[0], b[0]))) {
    const receiptReason = receiptMiss(c, ctx);
    if (receiptReason) {
      misses?.set(c, { reason: receiptReason, detail: receiptDetail(receiptReason, c, ctx) });
      continue;
    }
    const m = matchLines(c, ctx, ctx.initial, why);
    if (!m) {
      if (misses && why) {
        const detail =
          why.reason === 'item_quantity' ? itemDetail(c, why.hadMilli, why.mix) : receiptDetail(why.reason, c, ctx);
        misses.set(c, { reason: why.reason, detail });
      }
      continue;
    }
    const usable = held.filter((r) => refOk(c, r, ctx)).sort(refOrder);
    const first = usable[0];
    if (!first) {
      if (misses) {
        const ref = [...held].sort(refOrder)[0];
        const reason = ref ? (refMiss(c, ref, ctx) ?? 'no_ref_for_customer') : 'no_ref_for_customer';
        misses.set(c, { reason, detail: refDetail(reason, c, ref, ctx) });
      }
      continue;
    }
    const exhausted = exhaustedField(input.budgets?.get(c.id));
    if (exhausted) {
      misses?.set(c, { reason: 'budget_exhausted', detail: { field: exhausted, had: 0 } });
      continue;
    }
    if (c.stamp > 0) {
      let full: RefState | undefined;
      let valid = 0;
      for (const r of usable) {
        valid = validStamps(c, r, ctx);
        if (valid >= c.stamp) {
          full = r;
          break;
        }
      }
      stampRules.push({ rule: c, ref: full ?? first, stamp: m.qtyMilli / 1000 });
      if (full) qualified.push({ rule: c, ref: full, cards: Math.floor(valid / c.stamp) });
    } else qualified.push({ rule: c, ref: first });
  }

  // Activation is judged on the qualified set before any rule drops out, so the result does
  // not depend on the order rules are looked at.
  const qualifiedIds = new Set(qualified.map((q) => q.rule.id));
  const active = (c: CompiledRule) => !c.deactivatedBy.some((id) => qualifiedIds.has(id));
  const exclusiveTotals = misses ? new Map<CompiledRule, number>() : undefined;
  const outcome = chooseOutcome(
    qualified.filter((q) => active(q.rule)),
    ctx,
    exclusiveTotals,
    input.budgets,
  );
  const applied = new Set(outcome.apps.map((a) => a.rule));
  const collecting = stampRules.filter((s) => active(s.rule) && !applied.has(s.rule));

  const result: EvaluationResult = { receipt: render(ctx, outcome.apps, collecting) };
  if (misses) {
    const decided = { applied, collecting, qualifiedIds, active, outcome, exclusiveTotals: exclusiveTotals! };
    result.explanations = [
      ...looked.map(([c]) => explanation(c, ctx, misses.get(c), decided)),
      ...(input.explain?.rules ?? [])
        .filter((id) => !rules.byId.has(id))
        .map(
          (id): Explanation => ({
            discount_id: id,
            applied: false,
            reason: 'unknown_rule',
            field: 'explain_rules',
            had: id,
          }),
        ),
    ];
  }
  return result;
}

interface Decided {
  applied: Set<CompiledRule>;
  collecting: Collect[];
  qualifiedIds: Set<string>;
  active: (c: CompiledRule) => boolean;
  outcome: Outcome;
  exclusiveTotals: Map<CompiledRule, number>;
}

/** One rule's explanation, read off what evaluate decided (never decided again here). */
function explanation(
  c: CompiledRule,
  ctx: Ctx,
  miss: { reason: Reason; detail: Detail } | undefined,
  d: Decided,
): Explanation {
  const no = (reason: Reason, detail: Detail): Explanation => ({
    discount_id: c.id,
    applied: false,
    reason,
    ...detail,
  });
  if (miss) return no(miss.reason, miss.detail);
  if (d.applied.has(c)) return { discount_id: c.id, applied: true };
  const collect = d.collecting.find((s) => s.rule === c);
  if (collect) {
    return {
      discount_id: c.id,
      applied: true,
      reason: 'stamps_collecting',
      field: 'requirement.stamp',
      needed: c.stamp,
      had: validStamps(c, collect.ref, ctx),
    };
  }
  if (!d.active(c)) {
    const by = c.deactivatedBy.filter((id) => d.qualifiedIds.has(id));
    return no('deactivated_by', { field: 'limitation.discount_activation', had: by });
  }
  const field = 'limitation.discount_combination';
  const winner = d.outcome.apps.find((a) => a.rule.exclusive)?.rule;
  if (c.exclusive && (d.exclusiveTotals.get(c) ?? 0) > 0) {
    return no('exclusive_not_best', { field, had: winner ? [winner.id] : d.outcome.apps.map((a) => a.rule.id) });
  }
  if (!c.exclusive && winner) return no('lost_to_exclusive', { field, had: winner.id });
  const stopped = d.outcome.stopped.get(c);
  if (stopped) return no('budget_exhausted', { field: stopped, had: 0 });
  return no('nothing_left_to_discount', { field: 'items' });
}

function statistics(c: CompiledRule, ref: RefState, ctx: Ctx, lines: readonly Line[]) {
  return {
    stamp: validStamps(c, ref, ctx),
    usage: ref.usage,
    amount: ref.amount,
    bonus: ref.bonus ?? 0,
    debit_balance: c.reward.type === 'discount_debit' ? debitAvailable(c, ref, lines) : ref.debit_balance,
  };
}

/**
 * The whole rule as stored (Dintero's `DiscountRefs`): every field the caller's rule object carries
 * (stored bodies hold no statistics), not only the ones the engine reads.
 */
function header(c: CompiledRule, ref: RefResult, ctx: Ctx): DiscountResult {
  let template = headers.get(c);
  if (!template) {
    template = { ...c.rule, id: c.id, type: c.level, refs: [] };
    headers.set(c, template);
  }
  // A spread of a template that already has every key is V8's fast clone; spreading the rule and
  // overriding `id` and `type` on every call took a seventh of a 10-discount evaluation.
  const out = { ...template };
  out.refs = [ref];
  // The pool code this receipt used for the rule (docs/codes.md).
  const code = ctx.poolCodes?.get(c.id);
  if (code) out.code = code;
  return out;
}

/** `header`'s template per compiled rule: built once, never handed out. */
const headers = new WeakMap<CompiledRule, DiscountResult>();

function render(ctx: Ctx, apps: readonly Application[], collecting: readonly Collect[]) {
  const receipt = ctx.receipt;
  const source = receipt.items ?? [];
  // Object.assign rather than spread: V8's spread-then-override path is several times slower,
  // and this runs for every line of every evaluation.
  const items: ResultItem[] = source.map((item, idx) => {
    const out = Object.assign({}, item) as ResultItem;
    out.line_id = ctx.lines[idx]?.lineId ?? idx + 1;
    out.is_changed = false;
    out.discount_lines = item.discount_lines ? item.discount_lines.map((d) => Object.assign({}, d)) : [];
    out.bonus_lines = item.bonus_lines ? item.bonus_lines.map((d) => Object.assign({}, d)) : [];
    return out;
  });

  const discounts: DiscountResult[] = [];
  for (const app of apps) {
    const c = app.rule;
    const bonus = c.reward.bonus;
    const description = c.rule.receipt_text ?? c.rule.name ?? '';
    for (const p of app.parts) {
      const item = items[p.line.idx] as ResultItem;
      // Dintero's BonusItem carries `bonus` where a DiscountItem carries `amount`. Literals of one
      // shape each rather than spreads of optional parts: this runs per line of every discount.
      const list = bonus ? item.bonus_lines : item.discount_lines;
      const lineId = list.length + 1;
      const pct = p.percentage;
      const line: ReceiptDiscountLine | ReceiptBonusLine = bonus
        ? pct !== undefined
          ? {
              bonus: p.amount,
              percentage: pct,
              discount_type: 'customer',
              discount_id: c.id,
              description,
              line_id: lineId,
            }
          : { bonus: p.amount, discount_type: 'customer', discount_id: c.id, description, line_id: lineId }
        : pct !== undefined
          ? {
              amount: p.amount,
              percentage: pct,
              discount_type: 'customer',
              discount_id: c.id,
              description,
              line_id: lineId,
            }
          : { amount: p.amount, discount_type: 'customer', discount_id: c.id, description, line_id: lineId };
      list.push(line);
      item.is_changed = true;
    }
    const ref: RefResult = {
      id: app.ref.id,
      amount: bonus ? 0 : app.total,
      stamp: 0,
      bonus: bonus ? app.total : 0,
      usage: app.usage,
      statistics: statistics(
        c,
        app.ref,
        ctx,
        app.parts.map((p) => p.line),
      ),
      items: app.parts.map((p) => ({
        line_id: p.line.lineId,
        amount: bonus ? 0 : p.amount,
        bonus: bonus ? p.amount : 0,
      })),
    };
    discounts.push(header(c, ref, ctx));
  }
  for (const s of [...collecting].sort((a, b) => byAge(a.rule, b.rule))) {
    discounts.push(
      header(
        s.rule,
        {
          id: s.ref.id,
          amount: 0,
          stamp: s.stamp,
          bonus: 0,
          usage: 0,
          statistics: statistics(s.rule, s.ref, ctx, []),
          items: [],
        },
        ctx,
      ),
    );
  }

  return {
    ...receipt,
    items,
    is_changed: apps.length > 0,
    discounts,
  };
}
