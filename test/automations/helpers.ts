import { expect, vi } from 'vitest';
import { call, json, ruleBody, tokenWith } from '../helpers';

export const WINDOW = { automation_from: '2020-01-01T00:00:00Z', automation_to: '2098-01-01T00:00:00Z' };

/** One account's automations API (each test uses its own account id). */
export async function automationsApi(aid: string) {
  const token = await tokenWith(undefined, aid);
  const base = `/v1/accounts/${aid}`;
  const api = {
    aid,
    token,
    base,
    async rule(overrides: Record<string, unknown> = {}): Promise<string> {
      const res = await json(call('POST', `${base}/discounts/rules`, { token, body: ruleBody(overrides) }));
      expect(res.status).toBe(200);
      return res.body.id;
    },
    async automation(body: Record<string, unknown>): Promise<string> {
      const res = await json(call('POST', `${base}/automations/rules`, { token, body }));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.id;
    },
    create: (body: unknown, as = token) => json(call('POST', `${base}/automations/rules`, { token: as, body })),
    get: (id: string) => json(call('GET', `${base}/automations/rules/${id}`, { token })),
    list: (query = '') => json(call('GET', `${base}/automations/rules${query}`, { token })),
    remove: (id: string) => json(call('DELETE', `${base}/automations/rules/${id}`, { token })),
    deliveries: (id: string, query = '') =>
      json(call('GET', `${base}/automations/rules/${id}/deliveries${query}`, { token })),
    /** Customer ids holding a live ref of the rule, one entry per ref. */
    async holders(did: string): Promise<string[]> {
      const res = await json(call('GET', `${base}/discounts/rules/${did}/customers?state=available`, { token }));
      expect(res.status).toBe(200);
      return res.body.map((r: { customer_id: string }) => r.customer_id).sort();
    },
    event: (event: string, body: unknown, headers: Record<string, string> = {}) =>
      call('POST', `${base}/discounts/events`, { token, body, headers: { event, ...headers } }),
    customer: (body: Record<string, unknown>) => json(call('POST', `${base}/customers/users`, { token, body })),
  };
  return api;
}

export const receipt = (id: string, customer: string | undefined, extra: Record<string, unknown> = {}) => ({
  receipt_id: id,
  purchase_at: new Date().toISOString(),
  store: { id: 'sc029' },
  ...(customer && { customer_id: customer }),
  gross_amount: 1000,
  items: [{ id: 'A', line_id: 1, quantity: 1, gross_amount: 1000 }],
  ...extra,
});

/** Replaces outbound fetch (the queue consumer's calls) with `answer`; records each request. */
export function receiver(answer: (n: number, req: Request) => Response | Promise<Response>) {
  const seen: { url: string; method: string; headers: Headers; body: string }[] = [];
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const body = await req.text();
    seen.push({ url: req.url, method: req.method, headers: req.headers, body });
    return answer(seen.length, req);
  });
  return { seen, restore: () => spy.mockRestore() };
}

/** Polls until `check` passes (the queue consumer runs about a second after an event). */
export async function eventually<T>(read: () => Promise<T>, check: (x: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const x = await read();
    if (check(x) || Date.now() > until) return x;
    await new Promise((r) => setTimeout(r, 200));
  }
}
