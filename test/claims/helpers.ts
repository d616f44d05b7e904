import { expect } from 'vitest';
import { call, json, ruleBody, tokenWith } from '../helpers';

/** One account's discounts API, for claim tests (each test file uses its own account ids). */
export async function accountApi(aid: string) {
  const token = await tokenWith(undefined, aid);
  const base = `/v1/accounts/${aid}/discounts`;
  const api = {
    aid,
    token,
    base,
    async rule(overrides: Record<string, unknown> = {}): Promise<string> {
      const res = await json(call('POST', `${base}/rules`, { token, body: ruleBody(overrides) }));
      expect(res.status).toBe(200);
      return res.body.id;
    },
    async give(did: string, customers: string[]): Promise<string[]> {
      const res = await json(call('POST', `${base}/rules/${did}/customers`, { token, body: { customers } }));
      expect(res.status).toBe(200);
      return res.body.refs.map((r: { id: string }) => r.id);
    },
    claim: (body: unknown, headers?: Record<string, string>) =>
      json(call('POST', `${base}/available_for_receipt/claims`, { token, body, headers })),
    release: (id: string) => json(call('DELETE', `${base}/available_for_receipt/claims/${id}`, { token })),
    claims: (query = '') => json(call('GET', `${base}/available_for_receipt/claims${query}`, { token })),
    ref: (cid: string, refId: string) => json(call('GET', `${base}/customers/${cid}/refs/${refId}`, { token })),
    ruleStats: async (did: string) =>
      (await json(call('GET', `${base}/rules/${did}?include=statistics`, { token }))).body.statistics,
    usages: (did: string, query = '') => json(call('GET', `${base}/rules/${did}/ledger${query}`, { token })),
    evaluate: (receipt: unknown) => json(call('POST', `${base}/available_for_receipt`, { token, body: receipt })),
    event: (event: string, body: unknown) => call('POST', `${base}/events`, { token, body, headers: { event } }),
  };
  return api;
}

export const NOW = () => new Date().toISOString();

export const claimBody = (
  did: string,
  refId: string,
  customer: string | undefined,
  extra: Record<string, unknown> = {},
  ref: Record<string, unknown> = {},
) => ({
  purchase_at: NOW(),
  ...(customer !== undefined && { customer_id: customer }),
  discounts: [{ id: did, refs: [{ id: refId, amount: 100, usage: 1, ...ref }] }],
  ...extra,
});
