import { expect } from 'vitest';
import { call, json } from '../helpers';
import { accountApi, NOW } from '../claims/helpers';

/** A claim-test account plus the code pool routes (docs/codes.md). */
export async function codesApi(aid: string) {
  const api = await accountApi(aid);
  const { base, token } = api;
  return {
    ...api,
    addCodes: (did: string, body: unknown, t = token) =>
      json(call('POST', `${base}/rules/${did}/codes`, { token: t, body })),
    listCodes: (did: string, query = '', t = token) =>
      json(call('GET', `${base}/rules/${did}/codes${query}`, { token: t })),
    deleteCode: (did: string, code: string, t = token) =>
      json(call('DELETE', `${base}/rules/${did}/codes/${encodeURIComponent(code)}`, { token: t })),
    /** A `/` rule (anonymous purchases) of 100,- off with a pool of the given codes. */
    async poolRule(codes: string[], usage = 1, overrides: Record<string, unknown> = {}): Promise<string> {
      const did = await api.rule(overrides);
      await api.give(did, ['/']);
      const res = await json(call('POST', `${base}/rules/${did}/codes`, { token, body: { codes, usage } }));
      expect(res.status).toBe(200);
      return did;
    },
    receipt: (codes: string[] | undefined, extra: Record<string, unknown> = {}) => ({
      receipt_id: `r-${crypto.randomUUID()}`,
      purchase_at: NOW(),
      store: { id: 'store-1' },
      items: [{ id: 'A', line_id: 1, quantity: 1, gross_amount: 50000 }],
      ...(codes && { discount_code: codes }),
      ...extra,
    }),
  };
}

/** The claim a till sends for what available_for_receipt answered (anonymous purchase). */
export function claimOf(
  answer: { discounts: { id: string; code?: string; refs: { id: string; amount: number; usage: number }[] }[] },
  ref?: string,
) {
  return {
    purchase_at: NOW(),
    discounts: answer.discounts.map((d) => ({
      id: d.id,
      ...(d.code !== undefined && { code: d.code }),
      refs: d.refs.map((r) => ({ id: r.id, amount: r.amount, usage: r.usage })),
    })),
    ...(ref !== undefined && { ref }),
  };
}
