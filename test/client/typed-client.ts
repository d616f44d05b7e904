/**
 * The README's typed-client example ("API reference and typed client"), compiled by
 * `npm run typecheck` so it cannot go stale. Not a test file: nothing here runs.
 */
import { hc } from 'hono/client';
import type { AppType } from '../../functions/app';

export async function listActiveRules(token: string) {
  const client = hc<AppType>('http://127.0.0.1:8787', { headers: { authorization: `Bearer ${token}` } });
  const res = await client.v1.accounts[':aid'].discounts.rules.$get({
    param: { aid: 'T12345678' },
    query: { state: 'active', include: 'statistics', campaign_id: ['V101', 'V102'], total: 'true' },
  });
  if (!res.ok) throw new Error(`rabatt answered ${res.status}`);
  const rules = await res.json(); // typed: the Rule objects the route returns
  // Typed down to nested fields: a wrong field name here fails `npm run typecheck`.
  return rules.map((rule) => ({ id: rule.id, name: rule.name, from: rule.requirement.purchase_from, used: rule.statistics?.used ?? 0 }));
}
