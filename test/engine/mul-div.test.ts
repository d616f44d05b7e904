import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mulDecimalRound, mulDivRound, roundDiv, toDecimal } from '../../shared/engine/money';

// The hot loop rounds in Numbers while that is exact and falls back to BigInt; both must give
// round_half_up(a·b/d) exactly, on either side of 2^53.
const exact = (a: number, b: number, d: number) => roundDiv(BigInt(a) * BigInt(b), BigInt(d));
const SAFE = Number.MAX_SAFE_INTEGER;

describe('mulDivRound', () => {
  it('rounds half up exactly, in Numbers and past 2^53', () => {
    expect(mulDivRound(5, 1, 10)).toBe(1); // 0.5 → 1
    expect(mulDivRound(4, 1, 10)).toBe(0);
    expect(mulDivRound(15, 1, 10)).toBe(2); // 1.5 → 2
    expect(mulDivRound(0, 7, 3)).toBe(0);
    // At the boundary: 2ab + d just inside and just past SAFE.
    const a = Math.floor((SAFE - 3) / 2);
    expect(mulDivRound(a, 1, 3)).toBe(exact(a, 1, 3));
    expect(mulDivRound(a + 1, 1, 3)).toBe(exact(a + 1, 1, 3));
    expect(mulDivRound(SAFE, 3, 7)).toBe(exact(SAFE, 3, 7));
    // Where doubles would round wrongly: 2ab + d past 2^53 (found against a Number-only version).
    expect(mulDivRound(9007199254740137, 1, 5)).toBe(1801439850948027);
    expect(mulDivRound(9007199254740526, 1, 3)).toBe(3002399751580175);
    expect(mulDivRound(3002399752251003, 3, 2)).toBe(4503599628376505);
    expect(mulDivRound(SAFE - 1, SAFE - 2, SAFE)).toBe(exact(SAFE - 1, SAFE - 2, SAFE));
  });

  it('equals the BigInt form for any non-negative safe integers', () => {
    const int = fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.maxSafeNat());
    fc.assert(
      fc.property(
        int,
        int,
        fc.oneof(
          fc.integer({ min: 1, max: 1000 }),
          fc.maxSafeNat().map((x) => x + 1),
        ),
        (a, b, d) => {
          expect(mulDivRound(a, b, Math.min(d, SAFE))).toBe(exact(a, b, Math.min(d, SAFE)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('takes a percent as a decimal, its numerator past 2^53 included', () => {
    const viaBigInt = (a: number, p: number, d: number) => {
      const x = toDecimal(p);
      return roundDiv(BigInt(a) * x.num, BigInt(d) * x.den);
    };
    for (const p of [10, 10.5, 33.3, 99.999, 10.123456789012344, 1e-7, 4503599627370495]) {
      for (const a of [0, 1, 999, 123_456_789, 2 ** 40 + 7, SAFE]) {
        expect(mulDecimalRound(a, toDecimal(p), 100)).toBe(viaBigInt(a, p, 100));
      }
    }
  });
});
