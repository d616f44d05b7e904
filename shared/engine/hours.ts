// discount_hours: local weekday and minute of the purchase in the rule's IANA zone. Intl does
// the DST work; formatters are costly to build, so one per zone is kept for the isolate's life.

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      f = null; // unknown zone: the rule can never be in its hours
    }
    formatters.set(timeZone, f);
  }
  return f;
}

export interface LocalTime {
  /** 0 = Sunday … 6 = Saturday */
  day: number;
  /** minutes since local midnight */
  minute: number;
}

export function localTime(epochMs: number, timeZone: string): LocalTime | null {
  const f = formatter(timeZone);
  if (!f) return null;
  let day = -1;
  let hour = 0;
  let minute = 0;
  for (const part of f.formatToParts(epochMs)) {
    if (part.type === 'weekday') day = DAYS.indexOf(part.value.slice(0, 3).toLowerCase() as (typeof DAYS)[number]);
    else if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return day < 0 ? null : { day, minute: hour * 60 + minute };
}

export interface HourWindow {
  day: number;
  start: number;
  end: number;
}

export function dayIndex(day: string): number {
  return DAYS.indexOf(day.slice(0, 3).toLowerCase() as (typeof DAYS)[number]);
}

/** "HH:MM" → minutes; "24:00" is the end of the day. NaN when malformed. */
export function parseClock(text: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return NaN;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return v <= 24 * 60 ? v : NaN;
}

/**
 * Windows are [start, end). An end at or before the start runs past midnight into the next
 * day ("22:00"–"02:00" on fri covers fri 22:00 to sat 02:00).
 */
export function inHours(t: LocalTime, windows: readonly HourWindow[]): boolean {
  for (const w of windows) {
    if (w.end > w.start) {
      if (t.day === w.day && t.minute >= w.start && t.minute < w.end) return true;
    } else {
      if (t.day === w.day && t.minute >= w.start) return true;
      if (t.day === (w.day + 1) % 7 && t.minute < w.end) return true;
    }
  }
  return false;
}
