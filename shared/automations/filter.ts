import { select } from './jsonpath';

/**
 * Automation filters (Dintero's `requirement.filter`): JSONPath keys into the event's payload, each
 * with a list of patterns. Keys AND, patterns OR. A pattern is a value matched exactly, an
 * `{"anything-but": value | [values]}` or a `{"numeric": [op, n, (op, n)]}` range. A path that
 * reaches nothing matches no pattern (not even anything-but); a path that reaches a list matches
 * when any element does.
 */
export type Scalar = string | number | boolean | null;
export type FilterPattern = Scalar | { 'anything-but': Scalar | Scalar[] } | { numeric: (string | number)[] };
export type Filter = Record<string, FilterPattern[]>;

export const NUMERIC_OPS = ['<', '<=', '=', '>=', '>'] as const;

/** True when `numeric` is `[op, n]` or `[op, n, op, n]` with known operators and finite numbers. */
export function validNumeric(numeric: unknown[]): boolean {
  if (numeric.length !== 2 && numeric.length !== 4) return false;
  for (let i = 0; i < numeric.length; i += 2) {
    if (!(NUMERIC_OPS as readonly unknown[]).includes(numeric[i])) return false;
    if (typeof numeric[i + 1] !== 'number' || !Number.isFinite(numeric[i + 1])) return false;
  }
  return true;
}

function compare(value: number, op: string, n: number): boolean {
  switch (op) {
    case '<':
      return value < n;
    case '<=':
      return value <= n;
    case '=':
      return value === n;
    case '>=':
      return value >= n;
    default:
      return value > n;
  }
}

function matchesPattern(value: unknown, pattern: FilterPattern): boolean {
  if (pattern === null || typeof pattern !== 'object') return value === pattern;
  if ('anything-but' in pattern) {
    const excluded = pattern['anything-but'];
    return !(Array.isArray(excluded) ? excluded : [excluded]).some((x) => x === value);
  }
  if (typeof value !== 'number') return false;
  const ops = pattern.numeric;
  for (let i = 0; i < ops.length; i += 2) if (!compare(value, ops[i] as string, ops[i + 1] as number)) return false;
  return true;
}

export function matchesFilter(filter: Filter | undefined, payload: unknown): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([path, patterns]) => {
    const values = select(payload, path).flatMap((x) => (Array.isArray(x) ? x : [x]));
    return values.some((value) => patterns.some((p) => matchesPattern(value, p)));
  });
}
