import { describe, it, expect } from 'vitest';
import { compileRules } from '../../shared/engine';
import { buildCtx, refOk } from '../../shared/engine/match';
import { item, NOW, off, receipt, ref, rule } from './helpers';

/** refOk compares `purchases` (not the reward sum `usage`) with discount_repeat_usage. */
describe('refOk and discount_repeat_usage', () => {
  const ctx = buildCtx(receipt([item('A', 1000)]), Date.parse(NOW));
  const compiled = (limit?: number) =>
    compileRules([rule('r', off(10), {}, limit === undefined ? undefined : { discount_repeat_usage: limit })]).byId.get(
      'r',
    )!;

  it('is usable while purchases are below the limit, however many rewards they took', () => {
    expect(refOk(compiled(2), ref('r', { purchases: 1, usage: 5 }), ctx)).toBe(true);
  });
  it('is used up once purchases reach the limit, even with few rewards', () => {
    expect(refOk(compiled(2), ref('r', { purchases: 2, usage: 2 }), ctx)).toBe(false);
    expect(refOk(compiled(2), ref('r', { purchases: 3, usage: 3 }), ctx)).toBe(false);
  });
  it('ignores usage: a high reward sum with no purchases left the ref usable', () => {
    expect(refOk(compiled(1), ref('r', { purchases: 0, usage: 7 }), ctx)).toBe(true);
  });
  it('-1 or absent is unlimited', () => {
    expect(refOk(compiled(-1), ref('r', { purchases: 1000 }), ctx)).toBe(true);
    expect(refOk(compiled(), ref('r', { purchases: 1000 }), ctx)).toBe(true);
  });
  it('a deleted ref is never usable', () => {
    expect(refOk(compiled(5), ref('r', { deleted_at: '2024-01-02T00:00:00Z' }), ctx)).toBe(false);
  });
});
