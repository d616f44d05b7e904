/**
 * The README's typed-client example ("API reference and typed client"), compiled by
 * `npm run typecheck` so it cannot go stale. Not a test file: nothing here runs.
 */
import { hc } from 'hono/client';
import type { AppType, RefsAppType } from '../../functions/api';

export async function listActiveRules(token: string) {
  const client = hc<AppType>('http://127.0.0.1:8787', { headers: { authorization: `Bearer ${token}` } });
  const res = await client.v1.accounts[':aid'].discounts.rules.$get({
    param: { aid: 'T12345678' },
    query: { state: 'active', include: 'statistics', campaign_id: ['V101', 'V102'], total: 'true' },
  });
  if (!res.ok) throw new Error(`rabatt answered ${res.status}`);
  const rules = await res.json(); // typed: the Rule objects the route returns
  // Typed down to nested fields: a wrong field name here fails `npm run typecheck`.
  return rules.map((rule) => ({
    id: rule.id,
    name: rule.name,
    from: rule.requirement.purchase_from,
    used: rule.statistics?.used ?? 0,
  }));
}

/** Refs, claims and maintenance have their own app type (see functions/api.ts). */
export async function claimOnce(token: string, ruleId: string, refId: string) {
  const client = hc<RefsAppType>('http://127.0.0.1:8787', { headers: { authorization: `Bearer ${token}` } });
  const res = await client.v1.accounts[':aid'].discounts.available_for_receipt.claims.$post({
    param: { aid: 'T12345678' },
    json: {
      ref: 'till-7-0001',
      purchase_at: '2026-11-21T12:00:00Z',
      customer_id: 'member-1001',
      discounts: [{ id: ruleId, refs: [{ id: refId, amount: 1315, usage: 1 }] }],
    },
  });
  if (!res.ok) throw new Error(`rabatt answered ${res.status}`);
  const claim = await res.json();
  return claim.id;
}
