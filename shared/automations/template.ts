import { isJsonPath, select } from './jsonpath';

/** The most a rendered HTTP body may weigh (UTF-8 bytes are at least this many characters); docs/automations.md. */
export const MAX_RENDERED_BODY_BYTES = 65_536;

/** A body that would pass MAX_RENDERED_BODY_BYTES: the delivery is recorded failed, the event's write commits. */
export class RenderError extends Error {
  constructor() {
    super(`The rendered body is larger than ${MAX_RENDERED_BODY_BYTES} bytes`);
    this.name = 'RenderError';
  }
}

/** Counts what a render has produced so far, and stops it as soon as it passes the bound. */
class Budget {
  private used = 0;
  spend(value: unknown): void {
    // Each value is measured once, as JSON, when it is placed; the bound is checked on every spend,
    // so a template of 4,000 "$" stops after the first few copies instead of building them all.
    const size = typeof value === 'string' ? value.length + 2 : (JSON.stringify(value)?.length ?? 4);
    this.used += size + 1;
    // A little slack: the count may run a separator ahead of the text; bounded() decides exactly.
    if (this.used > MAX_RENDERED_BODY_BYTES + 64) throw new RenderError();
  }
}

/**
 * An HTTP action's `body` is a template: every string value that is a JSONPath (`"$.customer_id"`)
 * is replaced by what it reaches in the event's payload: the value itself when it reaches one,
 * a list when it reaches several (`$.items[*].id`), null when it reaches nothing. Keys and other
 * strings are sent as written. A body given as a string (Dintero's type) is parsed as JSON and
 * templated the same way; a string that is not JSON is sent verbatim.
 */
export function render(template: unknown, payload: unknown, budget = new Budget()): unknown {
  if (typeof template === 'string') {
    if (!isJsonPath(template)) {
      budget.spend(template);
      return template;
    }
    const found = select(payload, template);
    const value = found.length === 0 ? null : found.length === 1 ? found[0] : found;
    budget.spend(value);
    return value;
  }
  if (Array.isArray(template)) return template.map((t) => render(t, payload, budget));
  if (typeof template === 'object' && template !== null) {
    return Object.fromEntries(
      Object.entries(template).map(([k, t]) => {
        budget.spend(k);
        return [k, render(t, payload, budget)];
      }),
    );
  }
  budget.spend(template);
  return template;
}

/** Bounds the final text exactly (the budget above is an early stop; this is the rule). */
function bounded(text: string): string {
  if (new TextEncoder().encode(text).length > MAX_RENDERED_BODY_BYTES) throw new RenderError();
  return text;
}

/**
 * The request body to send: templated JSON text, a verbatim string, or the default event envelope.
 * Throws RenderError when it would be larger than MAX_RENDERED_BODY_BYTES.
 */
export function renderBody(body: unknown, eventName: string, payloadKey: string, payload: unknown): string {
  if (body === undefined) return bounded(JSON.stringify({ event: eventName, [payloadKey]: payload }));
  if (typeof body === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return bounded(body);
    }
    return bounded(JSON.stringify(render(parsed, payload)));
  }
  return bounded(JSON.stringify(render(body, payload)));
}
