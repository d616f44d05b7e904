// Exact integer money. Percent values like 10.5 are turned into a decimal fraction from their
// shortest decimal text, so no binary-float product is ever rounded.

/** A non-negative decimal as num / den, den a power of ten. */
export interface Decimal {
  num: bigint;
  den: bigint;
}

export function toDecimal(value: number): Decimal {
  if (!Number.isFinite(value) || value <= 0) return { num: 0n, den: 1n };
  // String(x) is the shortest text that round-trips, i.e. what the JSON said.
  let text = String(value);
  if (/e/i.test(text)) text = value.toFixed(20).replace(/0+$/, '');
  const [whole = '0', frac = ''] = text.split('.');
  return { num: BigInt(whole + frac), den: 10n ** BigInt(frac.length) };
}

/** round_half_up(num / den) for num >= 0, den > 0. */
export function roundDiv(num: bigint, den: bigint): number {
  return Number((2n * num + den) / (2n * den));
}

const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * round_half_up(a * b / d) for non-negative integers, d > 0: in Numbers while every intermediate
 * stays a safe integer (then floor((2ab + d) / 2d) is exact: a quotient of integers below 2^53
 * rounds to a double that never reaches the next integer), else in BigInt as `roundDiv`.
 */
export function mulDivRound(a: number, b: number, d: number): number {
  const n = a * b;
  if (n <= SAFE && 2 * n + d <= SAFE && 2 * d <= SAFE) return Math.floor((2 * n + d) / (2 * d));
  return roundDiv(BigInt(a) * BigInt(b), BigInt(d));
}

/** round_half_up(a * p / d) for a Decimal p: `mulDivRound` when p's numerator is a safe integer. */
export function mulDecimalRound(a: number, p: Decimal, d: number): number {
  const num = Number(p.num);
  const den = d * Number(p.den);
  if (num <= SAFE && den <= SAFE) return mulDivRound(a, num, den);
  return roundDiv(BigInt(a) * p.num, BigInt(d) * p.den);
}

/**
 * Largest-remainder split of `total` in proportion to `weights`; the leftover units go to the
 * largest remainders, ties to the lowest `keys` (line_id). Returns integer shares summing to total.
 */
export function largestRemainder(total: number, weights: readonly number[], keys: readonly number[]): number[] {
  const n = weights.length;
  let sum = 0;
  for (const w of weights) sum += w;
  const shares = new Array<number>(n).fill(0);
  if (n === 0 || total === 0) return shares;
  if (sum === 0) throw new Error('largestRemainder: zero weights');
  const rems = new Array<number>(n);
  let given = 0;
  if (total * sum <= SAFE) {
    for (let i = 0; i < n; i++) {
      const p = total * (weights[i] as number);
      const q = Math.floor(p / sum);
      shares[i] = q;
      rems[i] = p - q * sum;
      given += q;
    }
  } else {
    const t = BigInt(total);
    const s = BigInt(sum);
    for (let i = 0; i < n; i++) {
      const p = t * BigInt(weights[i] as number);
      const q = p / s;
      shares[i] = Number(q);
      // remainders compared relative to the same denominator: exact as a fraction of `sum`,
      // which is <= 2^53 so the Number is exact.
      rems[i] = Number(p - q * s);
      given += Number(q);
    }
  }
  let left = total - given;
  if (left > 0) {
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort(
      (a, b) => (rems[b] as number) - (rems[a] as number) || (keys[a] as number) - (keys[b] as number) || a - b,
    );
    for (let j = 0; left > 0; j++, left--) {
      const i = order[j] as number;
      shares[i] = (shares[i] as number) + 1;
    }
  }
  return shares;
}

/**
 * Split `total` in proportion to `weights` without any share exceeding its cap. Lines whose
 * proportional share would pass their cap are fixed at the cap and the rest is split again
 * over the others. The caller passes total <= sum(caps); the result sums to exactly total.
 */
export function allocate(
  total: number,
  weights: readonly number[],
  caps: readonly number[],
  keys: readonly number[],
): number[] {
  const n = weights.length;
  const out = new Array<number>(n).fill(0);
  let active: number[] = [];
  for (let i = 0; i < n; i++) if ((caps[i] as number) > 0) active.push(i);
  let left = total;
  while (left > 0 && active.length > 0) {
    let ws = active.map((i) => weights[i] as number);
    // A line with no weight but room left only matters once weighted lines are full.
    if (ws.every((w) => w === 0)) ws = active.map((i) => caps[i] as number);
    const shares = largestRemainder(
      left,
      ws,
      active.map((i) => keys[i] as number),
    );
    const over = active.filter((i, j) => (shares[j] as number) >= (caps[i] as number));
    if (over.length === 0) {
      active.forEach((i, j) => {
        out[i] = shares[j] as number;
      });
      return out;
    }
    for (const i of over) {
      out[i] = caps[i] as number;
      left -= caps[i] as number;
    }
    active = active.filter((i) => !over.includes(i));
  }
  return out;
}
