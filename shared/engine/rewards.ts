// How much each reward type takes from which lines, given what is left on them. Every amount is
// computed once from exact integers (round half up) and then split with `allocate`, which never
// gives a line more than it has left.

import type { CompiledRule, CompiledReward, RewardValue } from './compile';
import type { Line, LineMatch, State } from './match';
import { matchesAny } from './match';
import { allocate, mulDecimalRound, mulDivRound, roundDiv } from './money';
import type { RefState, RewardType } from './types';

export interface Part {
  line: Line;
  amount: number;
  percentage?: number;
}

export interface Application {
  rule: CompiledRule;
  ref: RefState;
  parts: Part[];
  total: number;
  /** number of rewards in this purchase */
  usage: number;
}

type Value = RewardValue;

/** Per-line value: the first `values` entry whose items match the line, else `value`. */
function lineValue(r: CompiledReward, line: Line): Value {
  for (const v of r.values) if (matchesAny(v.patterns, line)) return v;
  return r;
}

/** One value for the whole reward: the first `values` entry matching any reward line. */
function singleValue(r: CompiledReward, lines: readonly Line[]): Value {
  for (const v of r.values) if (lines.some((l) => matchesAny(v.patterns, l))) return v;
  return r;
}

/** How many times the reward repeats: per `item.quantity` matched, capped by discount_reward_usage. */
function repetitions(c: CompiledRule, m: LineMatch): number {
  const k = c.itemQtyMilli > 0 ? Math.floor(m.qtyMilli / c.itemQtyMilli) : 1;
  return c.rewardUsage >= 0 ? Math.min(k, c.rewardUsage) : k;
}

const big = BigInt;

/** round_half_up(base * t / q): the share of a line's base that `t` of its `q` units carry. */
const unitsOf = (base: number, t: number, q: number) => (t >= q ? base : mulDivRound(base, t, q));

class Ledger {
  readonly parts: Part[] = [];
  /** The one part of each line (by `line.idx`), so `taken` and `add` need no search of `parts`. */
  private readonly byLine: (Part | undefined)[] = [];
  constructor(
    private readonly c: CompiledRule,
    private readonly state: State,
  ) {}
  base(l: Line): number {
    return this.c.reward.net ? (this.state.remaining[l.idx] as number) : l.gross;
  }
  cap(l: Line): number {
    return this.state.remaining[l.idx] as number;
  }
  /** Split `amount` over `lines` by `weights` (default: their base), capped by what is left. */
  spread(amount: number, lines: readonly Line[], weights?: readonly number[], percentage?: number): void {
    if (lines.length === 1) {
      // One line: `allocate` would give it all of min(amount, room); skip its arrays.
      const line = lines[0] as Line;
      this.add(line, Math.min(amount, this.cap(line) - this.taken(line)), percentage);
      return;
    }
    const caps = lines.map((l) => this.cap(l) - this.taken(l));
    const total = Math.min(
      amount,
      caps.reduce((s, x) => s + x, 0),
    );
    if (total <= 0) return;
    const shares = allocate(
      total,
      weights ?? lines.map((l) => this.base(l)),
      caps,
      lines.map((l) => l.lineId),
    );
    for (let i = 0; i < lines.length; i++) this.add(lines[i] as Line, shares[i] as number, percentage);
  }
  add(line: Line, amount: number, percentage?: number): void {
    const room = this.cap(line) - this.taken(line);
    const a = Math.min(amount, room);
    if (a <= 0) return;
    const prev = this.byLine[line.idx];
    if (prev) prev.amount += a;
    else {
      const part: Part = percentage === undefined ? { line, amount: a } : { line, amount: a, percentage };
      this.parts.push(part);
      this.byLine[line.idx] = part;
    }
  }
  taken(line: Line): number {
    return this.byLine[line.idx]?.amount ?? 0;
  }
}

/** Cheapest units first (Decision 4), ties to lowest line_id; `desc` for most expensive first. */
function byUnitPrice(lines: readonly Line[], led: Ledger, desc: boolean): Line[] {
  const unit = (l: Line) => led.base(l) / l.qtyMilli;
  return [...lines].sort(
    (a, b) => (desc ? unit(b) - unit(a) : unit(a) - unit(b)) || a.lineId - b.lineId || a.idx - b.idx,
  );
}

type Compute = (c: CompiledRule, m: LineMatch, led: Ledger, ref: RefState) => number;

const amountOff: Compute = (c, m, led) => {
  const k = repetitions(c, m);
  led.spread(singleValue(c.reward, m.reward).money * k, m.reward);
  return k;
};

const percentOff: Compute = (c, m, led) => {
  const r = c.reward;
  if (r.values.length === 0) {
    // No overrides: one group, rounded once (as below, without the grouping).
    let base = 0;
    for (const l of m.reward) base += led.base(l);
    led.spread(mulDecimalRound(base, r.percent, 100), m.reward, undefined, r.value);
    return 1;
  }
  // Lines with different `values` overrides are separate groups, each rounded once.
  const groups = new Map<Value, Line[]>();
  for (const l of m.reward) {
    const v = lineValue(c.reward, l);
    const g = groups.get(v);
    if (g) g.push(l);
    else groups.set(v, [l]);
  }
  for (const [v, lines] of groups) {
    const base = lines.reduce((s, l) => s + led.base(l), 0);
    led.spread(mulDecimalRound(base, v.percent, 100), lines, undefined, v.value);
  }
  return 1;
};

const itemNewPrice: Compute = (c, m, led) => {
  const k = repetitions(c, m);
  let units = c.itemQtyMilli > 0 ? k * c.itemQtyMilli : c.rewardUsage >= 0 ? c.rewardUsage * 1000 : Infinity;
  // The units with the largest saving get the new price first.
  const saving = (l: Line) => led.base(l) / l.qtyMilli - lineValue(c.reward, l).money / 1000;
  const order = [...m.reward].sort((a, b) => saving(b) - saving(a) || a.lineId - b.lineId || a.idx - b.idx);
  for (const l of order) {
    if (units <= 0) break;
    const t = Math.min(units, l.qtyMilli);
    units -= t;
    // t/q of the base minus the new price of t units: (base*t*1000 - v*t*q) / (q*1000)
    const num = big(led.base(l)) * big(t) * 1000n - big(lineValue(c.reward, l).money) * big(t) * big(l.qtyMilli);
    if (num > 0n) led.add(l, roundDiv(num, big(l.qtyMilli) * 1000n));
  }
  return c.itemQtyMilli > 0 || c.rewardUsage >= 0 ? k : 1;
};

const freeUnits: Compute = (c, m, led) => {
  const k = repetitions(c, m);
  let free = Math.max(Math.round(singleValue(c.reward, m.reward).value * k * 1000), 0);
  for (const l of byUnitPrice(m.reward, led, false)) {
    if (free <= 0) break;
    const t = Math.min(free, l.qtyMilli);
    free -= t;
    led.add(l, unitsOf(led.base(l), t, l.qtyMilli));
  }
  return k;
};

const cheapestPercent: Compute = (c, m, led) => {
  const k = repetitions(c, m);
  let units = k * 1000;
  for (const l of byUnitPrice(m.reward, led, false)) {
    if (units <= 0) break;
    const t = Math.min(units, l.qtyMilli);
    units -= t;
    const v = lineValue(c.reward, l);
    const base = led.base(l);
    const amount =
      base * t <= Number.MAX_SAFE_INTEGER
        ? mulDecimalRound(base * t, v.percent, l.qtyMilli * 100)
        : roundDiv(big(base) * big(t) * v.percent.num, big(l.qtyMilli) * 100n * v.percent.den);
    led.add(l, amount, v.value);
  }
  return k;
};

const mixNewPrice: Compute = (c, m, led) => {
  const mixes =
    c.mixes.length > 0
      ? c.mixes.map((mix, i) => ({ ...mix, lines: m.mixLines[i] ?? [] }))
      : [{ patterns: [], qtyMilli: Math.max(c.itemQtyMilli, 1000), rewardEligible: true, lines: m.reward }];
  let k = Infinity;
  for (const mix of mixes) {
    if (mix.qtyMilli <= 0) continue;
    const q = mix.lines.reduce((s, l) => s + l.qtyMilli, 0);
    k = Math.min(k, Math.floor(q / mix.qtyMilli));
  }
  if (!Number.isFinite(k)) k = 1;
  if (c.rewardUsage >= 0) k = Math.min(k, c.rewardUsage);
  if (k <= 0) return 0;
  // Bundles take the most expensive reward-eligible units; a unit serves one mix only.
  const used = new Map<Line, number>();
  const portion = new Map<Line, number>();
  let sum = 0;
  for (const mix of mixes) {
    if (!mix.rewardEligible) continue;
    let units = k * mix.qtyMilli;
    for (const l of byUnitPrice(mix.lines, led, true)) {
      if (units <= 0) break;
      const free = l.qtyMilli - (used.get(l) ?? 0);
      const t = Math.min(units, free);
      if (t <= 0) continue;
      units -= t;
      used.set(l, (used.get(l) ?? 0) + t);
      const p = unitsOf(led.base(l), t, l.qtyMilli);
      portion.set(l, (portion.get(l) ?? 0) + p);
      sum += p;
    }
  }
  const lines = [...portion.keys()].sort((a, b) => a.idx - b.idx);
  const price = singleValue(c.reward, lines).money * k;
  if (sum > price)
    led.spread(
      sum - price,
      lines,
      lines.map((l) => portion.get(l) as number),
    );
  return k;
};

/** Initial balance is reward.value while the ref has never been debited. */
export function debitAvailable(c: CompiledRule, ref: RefState, lines: readonly Line[]): number {
  return ref.amount === 0 ? singleValue(c.reward, lines).money : Math.max(Math.round(ref.debit_balance), 0);
}

const debit: Compute = (c, m, led, ref) => {
  led.spread(debitAvailable(c, ref, m.reward), m.reward);
  return 1;
};

/** One per reward type: a type added to `RewardType` without its computation does not compile. */
const COMPUTE: { readonly [T in RewardType]: Compute } = {
  discount_amount: amountOff,
  discount_percent: percentOff,
  discount_item_new_price: itemNewPrice,
  discount_item_quantity: freeUnits,
  discount_item_percent: cheapestPercent,
  discount_mix_new_price: mixNewPrice,
  discount_debit: debit,
  // The reward lines of a shipping rule are the receipt's shipping lines (match.ts).
  discount_shipping: percentOff,
};

/**
 * `cards`: for a stamp rule, the full cards the ref holds. Each reward redeems one card (a claim
 * spends `usage × stamp` stamps), so when the rule would repeat more often than that the reward
 * is computed again as if `discount_reward_usage` were the number of cards.
 */
export function computeReward(
  c: CompiledRule,
  m: LineMatch,
  state: State,
  ref: RefState,
  cards = Infinity,
): Application {
  const app = rewardOf(c, c, m, state, ref);
  if (app.usage <= cards) return app;
  const capped = c.rewardUsage >= 0 ? Math.min(c.rewardUsage, cards) : cards;
  return rewardOf(c, { ...c, rewardUsage: capped }, m, state, ref);
}

function rewardOf(rule: CompiledRule, c: CompiledRule, m: LineMatch, state: State, ref: RefState): Application {
  const led = new Ledger(c, state);
  // Stored rules pass the rule schema, so the type is known; `undefined` only guards data that bypassed it.
  const fn: Compute | undefined = COMPUTE[c.reward.type];
  const usage = fn ? fn(c, m, led, ref) : 0;
  const parts = led.parts
    .filter((p) => p.amount > 0)
    .sort((a, b) => a.line.lineId - b.line.lineId || a.line.idx - b.line.idx);
  const total = parts.reduce((s, p) => s + p.amount, 0);
  return { rule, ref, parts, total, usage: total > 0 ? Math.max(usage, 1) : 0 };
}
