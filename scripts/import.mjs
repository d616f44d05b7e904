#!/usr/bin/env node
/**
 * `npm run import`: copies an account's customer side from any Dintero-compatible API into a rabatt
 * account (docs/import.md). Pages through the source with its own client credentials (Dintero's
 * token endpoint and paging), writes through the target's public API, compares before writing (a
 * second run changes nothing and says so), keeps its place in a state file (a killed run resumes),
 * and never prints a client secret.
 *
 *   npm run import -- --from <base>/v1/accounts/<aid> --from-client <id>:<secret> \
 *     --to <base>/v1/accounts/<aid> --to-client <id>:<secret> [--merge] [--state <file>]
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { each, ImportError, keptIds, pages, same, strip } from './import-common.mjs';
import { copyCustomerPage } from './import-customers.mjs';
import { claimCopier, claimIdsOf, offersClaims } from './import-claims.mjs';
import { automationCopier, copyCampaign, copyRefsOf, copyRule, liveRefs, usageCopier } from './import-discounts.mjs';

export { ImportError };
export const RESOURCES = [
  'tags',
  'locations',
  'customers',
  'campaigns',
  'rules',
  'refs',
  'usages',
  'claims',
  'automations',
];

function options(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string' },
      'from-client': { type: 'string' },
      to: { type: 'string' },
      'to-client': { type: 'string' },
      merge: { type: 'boolean', default: false },
      state: { type: 'string' },
    },
  });
  for (const k of ['from', 'from-client', 'to', 'to-client'])
    if (!values[k]) throw new ImportError(`--${k} is required`);
  const client = (s, name) => {
    const i = s.indexOf(':');
    if (i < 1) throw new ImportError(`--${name} must be <client_id>:<secret>`);
    return { id: s.slice(0, i), secret: s.slice(i + 1) };
  };
  const base = (s) => s.replace(/\/+$/, '');
  return {
    from: base(values.from),
    fromClient: client(values['from-client'], 'from-client'),
    to: base(values.to),
    toClient: client(values['to-client'], 'to-client'),
    merge: values.merge,
    state: values.state ?? `.import-state-${base(values.to).replace(/[^A-Za-z0-9]+/g, '_')}.json`,
  };
}

/** One API (source or target): a client-credentials token, JSON calls, retries on 429/503. */
async function connect(base, client, side) {
  const res = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ grant_type: 'client_credentials', audience: base }),
  });
  if (!res.ok) throw new ImportError(`${side}: the token endpoint answered ${res.status} (check the client)`);
  const { access_token } = await res.json();
  const call = async (method, path, body) => {
    for (let attempt = 0; ; attempt++) {
      const r = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${access_token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if ((r.status === 429 || r.status === 503) && attempt < 8) {
        await new Promise((ok) => setTimeout(ok, 1000 * Number(r.headers.get('retry-after') ?? 1)));
        continue;
      }
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null };
    }
  };
  const must = async (method, path, body, okStatuses = [200, 201, 204]) => {
    const r = await call(method, path, body);
    if (!okStatuses.includes(r.status)) {
      const e = r.body?.error;
      throw new ImportError(`${side}: ${method} ${path.split('?')[0]} answered ${r.status} ${e?.code ?? ''}`);
    }
    return r;
  };
  return { call, must };
}

function loadState(file, o) {
  if (!existsSync(file)) return null;
  const s = JSON.parse(readFileSync(file, 'utf8'));
  if (s.from !== o.from || s.to !== o.to) throw new ImportError(`${file} belongs to another import; pass --state`);
  return s;
}
function saveState(file, state) {
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file);
}

/** Whether the target holds anything of its own (refused without --merge on a first run). */
async function targetHolds(target) {
  const probes = [
    '/customers/users?type=any&limit=1',
    '/locations?limit=1',
    '/customers/tags',
    '/discounts/rules?limit=1',
    '/discounts/campaigns?limit=1',
    '/automations/rules?limit=1',
  ];
  for (const p of probes) if ((await target.must('GET', p)).body.length) return true;
  return false;
}

async function copyTags(source, target, count) {
  const { body: theirs } = await source.must('GET', '/customers/tags');
  const { body: ours } = await target.must('GET', '/customers/tags');
  const known = new Map(ours.map((t) => [t.id, t]));
  for (const tag of theirs) {
    const have = known.get(tag.id);
    // A tag keeps its id: it is what customers' tag_ids hold.
    const wanted = { id: tag.id, ...strip(tag) };
    if (have && same({ id: have.id, ...strip(have) }, wanted)) count('unchanged');
    else if (have) throw new ImportError(`target: tag ${tag.id} exists with other content`);
    else {
      await target.must('POST', '/customers/tags', wanted);
      count('created');
    }
  }
}

async function copyLocation(_source, target, location, count, have) {
  const body = strip(location, ['account_id']);
  const path = `/locations/${encodeURIComponent(location.location_id)}`;
  if (!have) {
    const created = await target.call('POST', '/locations', body);
    if (created.status === 200) return count('created');
    if (created.status !== 409) throw new ImportError(`target: POST /locations answered ${created.status}`);
    have = (await target.must('GET', path)).body;
  }
  if (same(strip(have, ['account_id']), body)) return count('unchanged');
  await target.must('PUT', path, body);
  count('updated');
}

/** A page copied item by item, `limit` items at a time (each item's copy is independent of the others). */
const perItem = (copy, limit) => (source, target, items, count) =>
  each(items, (item) => copy(source, target, item, count), limit);

/** Items that keep their id: compared against the target's matching page, new ones created in order. */
const kept = (path, key, copy) => [path, key, keptIds(path, key, copy)];

export async function run(argv, log = (line) => console.log(line)) {
  const o = options(argv);
  const previous = loadState(o.state, o);
  const source = await connect(o.from, o.fromClient, 'source');
  const target = await connect(o.to, o.toClient, 'target');
  if (!previous && !o.merge && (await targetHolds(target))) {
    throw new ImportError('The target account already holds data: pass --merge to write into it anyway');
  }
  // A finished run starts over (comparing everything again); an unfinished one resumes.
  const fresh = { from: o.from, to: o.to, done: [], cursor: {}, counts: {} };
  const state = previous && previous.done.length < RESOURCES.length ? previous : { ...fresh };
  const started = Date.now();
  const claimIds = claimIdsOf(source);
  for (const resource of RESOURCES) {
    if (state.done.includes(resource)) continue;
    state.counts[resource] ??= { created: 0, updated: 0, unchanged: 0 };
    const counts = state.counts[resource];
    const count = (what) => counts[what]++;
    if (resource === 'tags') await copyTags(source, target, count);
    else if (resource === 'claims' && !(await offersClaims(source)))
      log('claims: the source lists none; their effects were copied as usage counters');
    else {
      const [path, key, copyPage] = {
        locations: kept('/locations', 'location_id', copyLocation),
        customers: ['/customers/users?type=any', 'customer_id', copyCustomerPage],
        campaigns: kept('/discounts/campaigns', 'campaign_id', copyCampaign),
        rules: kept('/discounts/rules', 'id', copyRule),
        refs: ['/discounts/rules', 'id', perItem(copyRefsOf)],
        usages: ['/discounts/rules', 'id', perItem(usageCopier(claimIds))],
        // One at a time, in the source's order (claims keep their ids; each one's refs are mapped).
        claims: ['/discounts/available_for_receipt/claims', 'id', perItem(claimCopier(liveRefs), 1)],
        // One at a time: an automation is matched against the target's list, which each copy consumes.
        automations: ['/automations/rules', 'id', perItem(automationCopier(), 1)],
      }[resource];
      for await (const { items, last } of pages(source, path, key, state.cursor[resource])) {
        // The whole page is finished (every item, IN_FLIGHT at a time) before it is recorded.
        await copyPage(source, target, items, count, state.cursor[resource]);
        state.cursor[resource] = last;
        saveState(o.state, state);
        log(`${resource}: ${counts.created + counts.updated + counts.unchanged} copied so far`);
      }
    }
    state.done.push(resource);
    saveState(o.state, state);
    log(`${resource}: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged`);
  }
  const changed = RESOURCES.reduce((n, r) => n + state.counts[r].created + state.counts[r].updated, 0);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(changed ? `Done in ${seconds} s.` : `Done in ${seconds} s: nothing to change, the target already holds it all.`);
  return state.counts;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run(process.argv.slice(2)).catch((err) => {
    console.error(`import${err instanceof ImportError ? '' : ' failed'}: ${err.message}`);
    process.exit(err instanceof ImportError ? 2 : 1);
  });
}
