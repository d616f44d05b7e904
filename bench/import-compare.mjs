// What the import benchmark compares between source and target after a run (issue 24: "every rule,
// ref, counter, customer, token, tag and automation compared"): everything either account lists,
// read in full through the public API, with the server-owned ids and times left out where the
// import cannot keep them (refs, automations and ledger rows get new ids and the import's time).

const enc = encodeURIComponent;
const SERVER = ['created_at', 'created_by', 'updated_at', 'updated_by'];
const without = (o, keys) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

/** JSON with every object's keys sorted: equal content, equal text, whatever order the fields came in. */
const canonical = (x) =>
  JSON.stringify(x, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );

/** Runs `fn` over `items`, `n` at a time, answering the results in order. */
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** Everything of one account the import copies, in a form that is equal when nothing was lost. */
export async function snapshot(worker, aid) {
  const token = await worker.token(aid);
  const get = (path) => worker.req('GET', `/v1/accounts/${aid}${path}`, { token });
  const all = async (path, key, size = 100) => {
    const items = [];
    for (let after; ; ) {
      const sep = path.includes('?') ? '&' : '?';
      const page = await get(`${path}${sep}limit=${size}${after === undefined ? '' : `&starting_after=${enc(after)}`}`);
      items.push(...page);
      if (page.length < size) return items;
      after = page[page.length - 1][key];
    }
  };
  const customers = (await all('/customers/users?type=any', 'customer_id')).map((c) => without(c, ['id', ...SERVER]));
  const tokens = await pool(customers, 16, async (c) => [
    c.customer_id,
    (await all(`/customers/users/${enc(c.customer_id)}/tokens`, 'token_id')).map((t) => without(t, SERVER)),
  ]);
  const tags = (await get('/customers/tags')).map((t) => without(t, SERVER));
  const locations = (await all('/locations', 'location_id')).map((l) => without(l, ['id', 'account_id', ...SERVER]));
  const campaigns = (await all('/discounts/campaigns', 'campaign_id')).map((c) => without(c, ['id', ...SERVER]));
  const rules = (await all('/discounts/rules', 'id')).filter((r) => !r.deleted_at).map((r) => without(r, SERVER));
  const holderOf = new Map();
  const perRule = await pool(rules, 8, async (r) => {
    const live = (await all(`/discounts/rules/${enc(r.id)}/customers?state=all`, 'id', 1000)).filter(
      (ref) => !ref.deleted_at,
    );
    for (const ref of live) holderOf.set(ref.id, `${ref.customer_id ?? ref.kind} ${ref.offering_constraint_id ?? ''}`);
    const refs = live.map((ref) => holderOf.get(ref.id)).sort();
    const usages = (await all(`/discounts/rules/${enc(r.id)}/usages`, 'ref_id', 1000))
      .map((u) => ({
        holder: u.customer_id ?? null,
        statistics: u.statistics,
        usage_refs: u.usage_refs.map((x) => without(x, ['id', 'ref_id', 'purchase_at', ...SERVER])),
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    return [r.id, { refs, usages }];
  });
  // Live claims: ids, times and figures kept, each ref named by its holder (ref ids are new on the target).
  const claims = (await all('/discounts/available_for_receipt/claims', 'id'))
    .filter((c) => !c.deleted_at)
    .map((c) => ({
      ...without(c, ['updated_at', 'updated_by', 'created_by']),
      created_at: Date.parse(c.created_at),
      purchase_at: Date.parse(c.purchase_at),
      discounts: c.discounts.map((d) => ({
        ...d,
        refs: d.refs.map(({ id, ...f }) => ({ holder: holderOf.get(id), ...f })),
      })),
    }));
  const automations = (await all('/automations/rules', 'id'))
    .filter((a) => !a.deleted_at)
    .map((a) => without(a, ['id', ...SERVER]));
  return {
    customers,
    tokens: Object.fromEntries(tokens),
    tags,
    locations,
    campaigns,
    rules,
    refsAndUsages: Object.fromEntries(perRule),
    claims,
    automations,
  };
}

/** Each part of two snapshots that differs, with the first differing entry; empty when equal. */
export function differences(source, target) {
  const out = [];
  for (const part of Object.keys(source)) {
    const a = source[part];
    const b = target[part];
    if (canonical(a) === canonical(b)) continue;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    const k = keys.find((key) => canonical(a[key]) !== canonical(b[key]));
    out.push(`${part}[${k}]: source ${canonical(a[k])?.slice(0, 300)}, target ${canonical(b[k])?.slice(0, 300)}`);
  }
  return out;
}

/** How many of each thing a snapshot holds (for the report and to prove the comparison saw them). */
export function sizes(s) {
  const perRule = Object.values(s.refsAndUsages);
  return {
    customers: s.customers.length,
    tokens: Object.values(s.tokens).reduce((n, t) => n + t.length, 0),
    tagged: s.customers.filter((c) => c.tag_ids?.length).length,
    tags: s.tags.length,
    campaigns: s.campaigns.length,
    rules: s.rules.length,
    refs: perRule.reduce((n, r) => n + r.refs.length, 0),
    usageRefs: perRule.reduce((n, r) => n + r.usages.reduce((m, u) => m + u.usage_refs.length, 0), 0),
    claims: s.claims.length,
    automations: s.automations.length,
  };
}
