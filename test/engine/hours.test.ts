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
  // The week wraps too: 2024-06-08 is a Saturday, 2024-06-09 a Sunday (CEST, UTC+2).
  it('a Saturday window past midnight runs into Sunday (day 6 wraps to day 0)', () => {
    const late = hours([{ day: 'sat', start: '22:00', end: '02:00' }]);
    expect(lines(run([late], at('2024-06-08T19:59:00Z')))).toEqual([0]); // sat 21:59
    expect(lines(run([late], at('2024-06-08T20:00:00Z')))).toEqual([100]); // sat 22:00
    expect(lines(run([late], at('2024-06-08T22:30:00Z')))).toEqual([100]); // sun 00:30
    expect(lines(run([late], at('2024-06-08T23:59:00Z')))).toEqual([100]); // sun 01:59
    expect(lines(run([late], at('2024-06-09T00:00:00Z')))).toEqual([0]); // sun 02:00: the end is exclusive
    expect(lines(run([late], at('2024-06-07T22:30:00Z')))).toEqual([0]); // sat 00:30: before the window began
    expect(lines(run([late], at('2024-06-09T22:30:00Z')))).toEqual([0]); // mon 00:30: a day too late
  });
  it('a Sunday window past midnight runs into Monday; a Saturday one never into Friday', () => {
    const sunday = hours([{ day: 'sun', start: '23:00', end: '01:00' }]);
    expect(lines(run([sunday], at('2024-06-09T22:30:00Z')))).toEqual([100]); // mon 00:30
    expect(lines(run([sunday], at('2024-06-02T22:30:00Z')))).toEqual([100]); // mon 2024-06-03 00:30
    expect(lines(run([sunday], at('2024-06-08T22:30:00Z')))).toEqual([0]); // sun 00:30: the start of sunday
  });
  it('a window ending at 00:00 runs to midnight and no further, on every day including Saturday', () => {
    const evening = hours([
      { day: 'sat', start: '20:00', end: '00:00' },
      { day: 'wed', start: '20:00', end: '00:00' },
    ]);
    expect(lines(run([evening], at('2024-06-08T21:59:00Z')))).toEqual([100]); // sat 23:59
    expect(lines(run([evening], at('2024-06-08T22:00:00Z')))).toEqual([0]); // sun 00:00
    expect(lines(run([evening], at('2024-06-05T21:59:00Z')))).toEqual([100]); // wed 23:59
    expect(lines(run([evening], at('2024-06-05T22:00:00Z')))).toEqual([0]); // thu 00:00
  });
  it('a window ending at 24:00 is the same as one ending at 00:00', () => {
    const evening = hours([{ day: 'sat', start: '20:00', end: '24:00' }]);
    expect(lines(run([evening], at('2024-06-08T21:59:00Z')))).toEqual([100]); // sat 23:59
    expect(lines(run([evening], at('2024-06-08T22:00:00Z')))).toEqual([0]); // sun 00:00
  });
  it('a window starting at 00:00 on Sunday begins exactly at the end of Saturday', () => {
    const early = hours([{ day: 'sun', start: '00:00', end: '03:00' }]);
    expect(lines(run([early], at('2024-06-08T21:59:00Z')))).toEqual([0]); // sat 23:59
    expect(lines(run([early], at('2024-06-08T22:00:00Z')))).toEqual([100]); // sun 00:00
  });
  it('a window with equal start and end covers that whole day and nothing of the next', () => {
    const day = hours([{ day: 'sat', start: '00:00', end: '00:00' }]);
    expect(lines(run([day], at('2024-06-07T21:59:00Z')))).toEqual([0]); // fri 23:59
    expect(lines(run([day], at('2024-06-07T22:00:00Z')))).toEqual([100]); // sat 00:00
    expect(lines(run([day], at('2024-06-08T21:59:00Z')))).toEqual([100]); // sat 23:59
    expect(lines(run([day], at('2024-06-08T22:00:00Z')))).toEqual([0]); // sun 00:00
  });
  it('empty hours = any time', () => {
    expect(lines(run([hours([])], at('2024-06-04T03:00:00Z')))).toEqual([100]);
  });
});
