/**
 * The discount side of `npm run import` (docs/import.md): campaigns, rules under their own ids,
 * refs and automations. Each copy compares with what the target holds before writing, so a second
 * run changes nothing; deleted items are not copied.
 */
import { ImportError, pages, same, strip } from './import-common.mjs';

const RULE_OWNED = ['type', 'statistics', 'budget'];
const enc = encodeURIComponent;

/** A campaign keeps its `campaign_id` (what rules' `campaign_id` holds); `have`: the target's copy, if known. */
export async function copyCampaign(_source, target, campaign, count, have) {
  if (campaign.deleted_at) return;
  const body = strip(campaign, ['budget']);
  const path = `/discounts/campaigns/${enc(campaign.campaign_id)}`;
  if (!have) {
    const created = await target.call('POST', '/discounts/campaigns', body);
    if (created.status === 200) return count('created');
    if (created.status !== 409) throw new ImportError(`target: POST /discounts/campaigns answered ${created.status}`);
    have = (await target.must('GET', path)).body;
  }
  if (same(strip(have, ['budget']), body)) return count('unchanged');
  await target.must('PUT', path, body);
  count('updated');
}

/** A rule keeps its id (`keep_id=true`, admin:discounts): refs, automations and tills name it. */
export async function copyRule(_source, target, rule, count, have) {
  if (rule.deleted_at) return;
  const body = strip(rule, RULE_OWNED);
  const path = `/discounts/rules/${enc(rule.id)}`;
  if (!have) {
    const created = await target.call('POST', '/discounts/rules?keep_id=true', { id: rule.id, ...body });
    if (created.status === 200) return count('created');
    if (created.status !== 409) {
      const code = created.body?.error?.code ?? '';
      throw new ImportError(`target: POST /discounts/rules answered ${created.status} ${code}`);
    }
    have = (await target.must('GET', path)).body;
  }
  if (have.deleted_at) throw new ImportError(`target: rule ${rule.id} exists there and is deleted`);
  if (same(strip(have, RULE_OWNED), body)) return count('unchanged');
  await target.must('PUT', path, body);
  count('updated');
}

/** Who a ref is for, as POST .../customers takes it: a customer id, `*` or `/`. */
const holder = (ref) => ref.customer_id ?? ref.kind;

export async function liveRefs(api, ruleId) {
  const refs = [];
  for await (const { items } of pages(
    api,
    `/discounts/rules/${enc(ruleId)}/customers?state=all`,
    'id',
    undefined,
    1000,
  ))
    for (const ref of items) if (!ref.deleted_at) refs.push(ref);
  return refs;
}

/** The live refs of one (live) rule: each holder given the rule once, with its offering_constraint_id. */
export async function copyRefsOf(source, target, rule, count) {
  if (rule.deleted_at) return;
  const have = new Set(
    (await liveRefs(target, rule.id)).map((r) => `${holder(r)}\u0000${r.offering_constraint_id ?? ''}`),
  );
  const missing = new Map();
  for (const ref of await liveRefs(source, rule.id)) {
    const key = `${holder(ref)}\u0000${ref.offering_constraint_id ?? ''}`;
    if (have.has(key)) {
      count('unchanged');
      continue;
    }
    have.add(key);
    const group = ref.offering_constraint_id ?? '';
    if (!missing.has(group)) missing.set(group, []);
    missing.get(group).push(holder(ref));
  }
  for (const [offering, holders] of missing) {
    for (let i = 0; i < holders.length; i += 1000) {
      const customers = holders.slice(i, i + 1000);
      await target.must('POST', `/discounts/rules/${enc(rule.id)}/customers`, {
        customers,
        ...(offering && { offering_constraint_id: offering }),
      });
      for (const _ of customers) count('created');
    }
  }
}

async function usagesOf(api, ruleId) {
  const all = [];
  for await (const { items } of pages(api, `/discounts/rules/${enc(ruleId)}/usages`, 'ref_id', undefined, 1000))
    all.push(...items);
  return all;
}

/**
 * When each live ledger row of a rule happened (`purchase_at`), by ref, customer and `ref`: what
 * rabatt's ledger answers; a source without it (Dintero) leaves the usage_refs entries' `created_at`.
 */
async function ledgerTimes(api, ruleId) {
  const times = new Map();
  const path = `/discounts/rules/${enc(ruleId)}/ledger`;
  if ((await api.call('GET', `${path}?limit=1`)).status !== 200) return times;
  for await (const { items } of pages(api, path, 'id', undefined, 1000))
    for (const row of items)
      if (!row.released_at) times.set(`${row.ref_id}\u0000${row.customer_id}\u0000${row.source_ref}`, row.purchase_at);
  return times;
}

/**
 * The usage counters of one rule's live refs: every `usage_refs` entry (claims, receipts, manual
 * usage refs) is recorded on the target's ref for the same holder as a `usage_ref` with the same
 * `ref`, which the target counts once per ref and customer; entries already there are skipped.
 */
export const usageCopier = (claimIds) => async (source, target, rule, count) => {
  if (rule.deleted_at) return;
  // A live claim's entry arrives with the claim itself (the claims step), so it counts once.
  const claims = await claimIds();
  const copied = (u) => !(u.ref_type === 'claim' && claims.has(u.ref));
  const theirs = (await usagesOf(source, rule.id)).map((e) => ({
    ...e,
    usage_refs: (e.usage_refs ?? []).filter(copied),
  }));
  if (!theirs.some((entry) => entry.usage_refs.length)) return;
  const keyOf = (ref) => `${holder(ref)}\u0000${ref.offering_constraint_id ?? ''}`;
  const timeOf = await ledgerTimes(source, rule.id);
  const theirRefs = new Map((await liveRefs(source, rule.id)).map((r) => [r.id, keyOf(r)]));
  const ourRefs = await liveRefs(target, rule.id);
  const ourIdOf = new Map(ourRefs.map((r) => [keyOf(r), r.id]));
  const ourKeyOf = new Map(ourRefs.map((r) => [r.id, keyOf(r)]));
  const recorded = new Set();
  for (const entry of await usagesOf(target, rule.id))
    for (const u of entry.usage_refs ?? [])
      recorded.add(`${ourKeyOf.get(entry.ref_id)}\u0000${u.customer_id ?? entry.customer_id}\u0000${u.ref}`);
  for (const entry of theirs) {
    const key = theirRefs.get(entry.ref_id);
    if (key === undefined) continue;
    const ourId = ourIdOf.get(key);
    if (ourId === undefined) throw new ImportError(`target: rule ${rule.id} lacks a ref the source has`);
    for (const u of entry.usage_refs ?? []) {
      const customer = u.customer_id ?? entry.customer_id;
      if (!customer) continue;
      if (recorded.has(`${key}\u0000${customer}\u0000${u.ref}`)) {
        count('unchanged');
        continue;
      }
      const usage_ref = { ref: u.ref, usage: u.usage ?? 0, stamp: u.stamp ?? 0, amount: u.amount ?? 0 };
      if (u.ref_type) usage_ref.ref_type = u.ref_type;
      // The source's time (keep_id=true, admin:discounts), so stamps expire counted from when they were earned.
      const at = timeOf.get(`${entry.ref_id}\u0000${customer}\u0000${u.ref}`) ?? u.created_at;
      if (at) usage_ref.purchase_at = at;
      const path = `/discounts/customers/${enc(customer)}/refs/${enc(ourId)}?keep_id=true`;
      await target.must('POST', path, { usage_ref });
      count('created');
    }
  }
};

/**
 * Automations get new ids on the target (no API takes one); one counts as there when the target
 * holds a live automation with the same content.
 */
export function automationCopier() {
  let ours;
  return async (_source, target, automation, count) => {
    if (automation.deleted_at) return;
    if (!ours) {
      ours = [];
      for await (const { items } of pages(target, '/automations/rules?state=all', 'id'))
        for (const a of items) if (!a.deleted_at) ours.push(strip(a));
    }
    const body = strip(automation);
    const at = ours.findIndex((a) => same(a, body));
    if (at >= 0) {
      ours.splice(at, 1);
      return count('unchanged');
    }
    await target.must('POST', '/automations/rules', body);
    count('created');
  };
}
