import { HttpError } from '../errors';

/**
 * HTML forms to API bodies. Inputs are named by the API field they fill (`requirement.gross_amount`),
 * so the API's field errors land next to the input that caused them. Values the console cannot
 * read as the expected kind are sent as typed, and the API's validation answers for them: the
 * console has no validation of its own.
 */
export type Kind = 'text' | 'int' | 'list' | 'bool' | 'items';

export type FormSpec = readonly (readonly [name: string, kind: Kind])[];

export type FormValues = Record<string, string>;

/** A body that cannot be read as a form (a multipart body without its boundary, cut short) is a 400. */
export async function formValues(req: { parseBody(): Promise<Record<string, unknown>> }): Promise<FormValues> {
  let body: Record<string, unknown>;
  try {
    body = await req.parseBody();
  } catch {
    throw new HttpError(400, 'bad_request', 'The form body could not be read');
  }
  const out: FormValues = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}

const INT = /^-?\d+$/;

/** `a, b ,c` → ['a', 'b', 'c']. */
export const splitList = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** Item patterns typed as `coffee, group:garden-chairs`: ids, or group ids after `group:`. */
export function itemPatterns(s: string): { id?: string; group_id?: string }[] {
  return splitList(s).map((x) => (x.startsWith('group:') ? { group_id: x.slice(6).trim() } : { id: x }));
}

export function itemPatternsText(list: readonly { id?: string; group_id?: string }[] | undefined): string {
  return (list ?? []).map((p) => (p.group_id !== undefined ? `group:${p.group_id}` : (p.id ?? ''))).join(', ');
}

function convert(kind: Kind, raw: string): unknown {
  const s = raw.trim();
  if (s === '') return undefined;
  switch (kind) {
    case 'int':
      return INT.test(s) ? Number(s) : /^-?\d+([.,]\d+)?$/.test(s) ? Number(s.replace(',', '.')) : s;
    case 'list':
      return splitList(s);
    case 'bool':
      return s === 'true' ? true : s === 'false' ? false : s;
    case 'items':
      return itemPatterns(s);
    default:
      return raw;
  }
}

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

export function getPath(source: unknown, path: string): unknown {
  let node = source;
  for (const key of path.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The body the form describes: empty inputs are left out. */
export function bodyFrom(spec: FormSpec, values: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, kind] of spec) {
    const v = convert(kind, values[name] ?? '');
    if (v !== undefined) setPath(body, name, v);
  }
  return body;
}

/** What an input shows for a stored value. */
export function textOf(kind: Kind, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (kind === 'items') return itemPatternsText(value as { id?: string; group_id?: string }[]);
  if (Array.isArray(value)) return value.map(String).join(', ');
  return String(value);
}
