import { describe, it, expect } from 'vitest';
import { item, lines, pct, receipt, rule, run } from './helpers';

const at = (purchase_at: string) => receipt([item('A', 1000)], { purchase_at });
const hours = (h: { day: string; start: string; end: string }[], timezone?: string) =>
  rule('h', pct(10), {}, { discount_hours: { hours: h, ...(timezone ? { timezone } : {}) } });

describe('discount_hours (rule timezone, default Europe/Oslo, DST honoured)', () => {
  const monday = hours([{ day: 'mon', start: '10:00', end: '20:00' }]);
  it('summer (CEST, UTC+2): 19:59 local applies, 20:00 local does not', () => {
    expect(lines(run([monday], at('2024-06-03T17:59:00Z')))).toEqual([100]);
    expect(lines(run([monday], at('2024-06-03T18:00:00Z')))).toEqual([0]);
  });
  it('winter (CET, UTC+1): 10:00 local applies, 09:59 local does not', () => {
    expect(lines(run([monday], at('2024-01-08T09:00:00Z')))).toEqual([100]);
    expect(lines(run([monday], at('2024-01-08T08:59:00Z')))).toEqual([0]);
  });
  it('on the DST switch day the local clock is used (2024-03-31, 02:00 → 03:00)', () => {
    const sunday = hours([{ day: 'sun', start: '03:00', end: '04:00' }]);
    expect(lines(run([sunday], at('2024-03-31T01:30:00Z')))).toEqual([100]); // 03:30 CEST
    expect(lines(run([sunday], at('2024-03-31T00:30:00Z')))).toEqual([0]); // 01:30 CET
  });
  it('another weekday does not apply', () => {
    expect(lines(run([monday], at('2024-06-04T12:00:00Z')))).toEqual([0]);
  });
  it('the rule timezone is used', () => {
    const ny = hours([{ day: 'mon', start: '08:00', end: '09:00' }], 'America/New_York');
    expect(lines(run([ny], at('2024-06-03T12:30:00Z')))).toEqual([100]); // 08:30 EDT
    expect(lines(run([ny], at('2024-06-03T14:30:00Z')))).toEqual([0]);
  });
  it('a window ending at or before its start runs past midnight', () => {
    const late = hours([{ day: 'fri', start: '22:00', end: '02:00' }]);
    expect(lines(run([late], at('2024-06-07T23:30:00Z')))).toEqual([100]); // sat 01:30 CEST
    expect(lines(run([late], at('2024-06-08T00:30:00Z')))).toEqual([0]); // sat 02:30
  });
  it('empty hours = any time', () => {
    expect(lines(run([hours([])], at('2024-06-04T03:00:00Z')))).toEqual([100]);
  });
});
