import { isJsonPath, select } from './jsonpath';

/**
 * An HTTP action's `body` is a template: every string value that is a JSONPath (`"$.customer_id"`)
 * is replaced by what it reaches in the event's payload: the value itself when it reaches one,
 * a list when it reaches several (`$.items[*].id`), null when it reaches nothing. Keys and other
 * strings are sent as written. A body given as a string (Dintero's type) is parsed as JSON and
 * templated the same way; a string that is not JSON is sent verbatim.
 */
export function render(template: unknown, payload: unknown): unknown {
  if (typeof template === 'string') {
    if (!isJsonPath(template)) return template;
    const found = select(payload, template);
    return found.length === 0 ? null : found.length === 1 ? found[0] : found;
  }
  if (Array.isArray(template)) return template.map((t) => render(t, payload));
  if (typeof template === 'object' && template !== null) {
    return Object.fromEntries(Object.entries(template).map(([k, t]) => [k, render(t, payload)]));
  }
  return template;
}

/** The request body to send: templated JSON text, a verbatim string, or the default event envelope. */
export function renderBody(body: unknown, eventName: string, payloadKey: string, payload: unknown): string {
  if (body === undefined) return JSON.stringify({ event: eventName, [payloadKey]: payload });
  if (typeof body === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return body;
    }
    return JSON.stringify(render(parsed, payload));
  }
  return JSON.stringify(render(body, payload));
}
