/**
 * `npm run import` end to end: two `wrangler dev` instances, one the source (the only
 * Dintero-compatible server available offline), one the target. A run killed half-way resumes
 * from its state file, a finished import run again changes nothing and says so, everything is
 * compared, no secret is printed, and a target holding other data is refused without --merge.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devClient, root, startWorker, type DevWorker } from '../wrangler-dev';

const FROM_AID = 'T30000001';
const TO_AID = 'T30000002';
const BUSY_AID = 'T30000003';
const CUSTOMERS = 230;
const RULES = 105;
const rule = (i: number, extra: Record<string, unknown> = {}) => ({
  name: `Spar ${i}`,
  requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' },
  reward: { type: 'discount_amount', value: 1000 + i },
  ...extra,
});
let seeded: string[] = [];
/** Claims on the source: two live (copied as claims), one released (not copied); counters before them. */
let claimIds: string[] = [];
let beforeClaims: { ref: unknown; rule: unknown };
let source: DevWorker;
let target: DevWorker;
let client: { id: string; secret: string };
let claimOnDeletedRule: string;
const scratch = mkdtempSync(join(tmpdir(), 'rabatt-import-'));
const stateFile = join(scratch, 'state.json');

async function api(worker: DevWorker, aid: string) {
  const base = `${worker.origin}/v1/accounts/${aid}`;
  const res = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa(`${client.id}:${client.secret}`)}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ grant_type: 'client_credentials', audience: base }),
  });
  const { access_token } = (await res.json()) as { access_token: string };
  return async (method: string, path: string, body?: unknown) => {
    const r = await fetch(base + path, {
      method,
      headers: {
        authorization: `Bearer ${access_token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: r.status, body: (await r.json().catch(() => null)) as any };
  };
}

/** Every page of a list, through `starting_after`. */
async function everything(call: Awaited<ReturnType<typeof api>>, path: string, key: string) {
  const all: any[] = [];
  let after: string | undefined;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await call(
      'GET',
      `${path}${sep}limit=100${after ? `&starting_after=${encodeURIComponent(after)}` : ''}`,
    );
    all.push(...page.body);
    if (page.body.length < 100) return all;
    after = page.body[page.body.length - 1][key];
  }
}

const args = (to = TO_AID, extra: string[] = []) => [
  join(root, 'scripts/import.mjs'),
  '--from',
  `${source.origin}/v1/accounts/${FROM_AID}`,
  '--from-client',
  `${client.id}:${client.secret}`,
  '--to',
  `${target.origin}/v1/accounts/${to}`,
  '--to-client',
  `${client.id}:${client.secret}`,
  '--state',
  stateFile,
  ...extra,
];

function runImport(to = TO_AID, extra: string[] = [], killWhen?: (out: string) => boolean) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, args(to, extra), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      if (killWhen?.(out) && child.exitCode === null) child.kill('SIGKILL');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** Campaigns, rules (one deleted), refs (customers, `*`, an offering), usage counters, an automation. */
async function seedDiscounts(from: Awaited<ReturnType<typeof api>>) {
  await from('POST', '/discounts/campaigns', {
    campaign_id: 'summer',
    name: 'Summer',
    limitation: { budget_usage: 50 },
  });
  await from('POST', '/discounts/campaigns', { campaign_id: 'winter', name: 'Winter', private: true });
  seeded = [];
  for (let i = 0; i < RULES; i++) {
    const extra = i % 2 === 0 ? { campaign_id: 'summer' } : { metadata: { n: i } };
    const r = await from('POST', '/discounts/rules', rule(i, extra));
    expect(r.status).toBe(200);
    seeded.push(r.body.id);
  }
  const customers = Array.from({ length: 30 }, (_, i) => `m-${String(i).padStart(4, '0')}`);
  const given = await from('POST', `/discounts/rules/${seeded[0]}/customers`, { customers: [...customers, '*'] });
  expect(given.status).toBe(200);
  await from('POST', `/discounts/rules/${seeded[1]}/customers`, {
    customers: ['m-0001', 'outside-registry'],
    offering_constraint_id: 'welcome',
  });
  await from('POST', `/discounts/rules/${seeded[2]}/customers`, { customers: ['m-0002'] });
  await from('DELETE', `/discounts/rules/${seeded[2]}/customers`, { customers: ['m-0002'] });
  const refOf = (cid: string | null) => given.body.refs.find((r: any) => r.customer_id === cid).id;
  for (const [cid, ref, usage] of [
    ['m-0000', refOf('m-0000'), { ref: 'visit-1', ref_type: 'pos', stamp: 2, amount: 5000 }],
    ['m-0000', refOf('m-0000'), { ref: 'visit-2', usage: 1, amount: 1200 }],
    ['m-0005', refOf(null), { ref: 'visit-3', stamp: 1 }],
  ] as const)
    expect((await from('POST', `/discounts/customers/${cid}/refs/${ref}`, { usage_ref: usage })).status).toBe(200);
  const claimRef = refOf('m-0000');
  beforeClaims = {
    ref: (await from('GET', `/discounts/customers/m-0000/refs/${claimRef}`)).body.statistics,
    rule: (await from('GET', `/discounts/rules/${seeded[0]}`)).body.statistics,
  };
  const claims = '/discounts/available_for_receipt/claims';
  const claim = async (customer: string, ref: string, at: string, amount: number, extra = {}) => {
    const res = await from('POST', claims, {
      purchase_at: at,
      customer_id: customer,
      discounts: [{ id: seeded[0], refs: [{ id: ref, amount, usage: 1 }] }],
      ...extra,
    });
    expect(res.status).toBe(200);
    return res.body.id as string;
  };
  claimIds = [
    await claim('m-0000', claimRef, '2026-05-01T12:00:00Z', 3000, { ref: 'till-1-0001', type: 'pos' }),
    await claim('m-0007', refOf(null), '2026-05-02T12:00:00Z', 500),
  ];
  const released = await claim('m-0003', refOf('m-0003'), '2026-05-03T12:00:00Z', 100, { ref: 'till-1-0003' });
  expect((await from('DELETE', `${claims}/${released}`)).status).toBe(200);
  claimIds.push(released);
  // A live claim on a rule deleted since: neither is copied, and the run goes on.
  const gone = seeded[RULES - 1];
  const goneRef = (await from('POST', `/discounts/rules/${gone}/customers`, { customers: ['*'] })).body.refs[0].id;
  const onGone = await from('POST', claims, {
    purchase_at: '2026-05-04T12:00:00Z',
    customer_id: 'm-0009',
    discounts: [{ id: gone, refs: [{ id: goneRef, amount: 100, usage: 1 }] }],
  });
  expect(onGone.status).toBe(200);
  claimOnDeletedRule = onGone.body.id;
  expect((await from('DELETE', `/discounts/rules/${gone}`)).status).toBe(200);
  const automation = await from('POST', '/automations/rules', {
    name: 'purchase at store sc029',
    requirement: {
      events: ['receipt_add'],
      automation_from: '2026-01-01T00:00:00Z',
      automation_to: '2098-06-30T23:59:59Z',
      filters: { '$.store.id': ['sc029'] },
    },
    actions: [{ type: 'discount', id: seeded[3] }],
  });
  expect(automation.status).toBe(200);
}

/** Everything of the discount side both accounts are compared on. */
async function discountSide(call: Awaited<ReturnType<typeof api>>) {
  const plain = ({ id, created_at, created_by, updated_at, updated_by, ...rest }: any) => rest;
  const campaigns = (await everything(call, '/discounts/campaigns', 'campaign_id')).map(plain);
  const rules = (await everything(call, '/discounts/rules', 'id'))
    .filter((r) => !r.deleted_at)
    .map(({ created_at, created_by, updated_at, updated_by, ...rest }: any) => rest);
  const refs: Record<string, unknown[]> = {};
  const usages: Record<string, unknown[]> = {};
  for (const did of seeded.slice(0, 3)) {
    refs[did] = (await call('GET', `/discounts/rules/${did}/customers?state=available&limit=1000`)).body
      .map((r: any) => [r.customer_id ?? r.kind, r.offering_constraint_id ?? null])
      .sort();
    usages[did] = (await call('GET', `/discounts/rules/${did}/usages?limit=1000`)).body
      .filter((u: any) => u.usage_refs.length)
      .map((u: any) => ({
        customer_id: u.customer_id,
        statistics: u.statistics,
        usage_refs: u.usage_refs.map(({ ref, ref_type, usage, stamp, amount, customer_id }: any) => ({
          ...{ ref, ref_type, usage, stamp, amount, customer_id },
        })),
      }))
      .sort((a: any, b: any) => String(a.customer_id).localeCompare(String(b.customer_id)));
  }
  const automations = (await call('GET', '/automations/rules?limit=100')).body.map(plain);
  // The ledger's live rows keep the source's times (usage_refs via keep_id, claims via keep_id).
  const ledger = (await call('GET', `/discounts/rules/${seeded[0]}/ledger?limit=1000`)).body
    .filter((u: any) => !u.released_at)
    .map((u: any) => [u.source, u.source_ref, u.customer_id, u.usage, u.stamp, u.amount, Date.parse(u.purchase_at)])
    .sort();
  return { campaigns, rules, refs, usages, automations, ledger };
}

beforeAll(async () => {
  client = devClient();
  [source, target] = await Promise.all([startWorker(), startWorker()]);
  const from = await api(source, FROM_AID);
  await from('POST', '/customers/tags', { id: 'vip', tag: 'VIP', metadata: { colour: 'gold' } });
  await from('POST', '/locations', {
    location_id: 'sc029',
    name: 'SC Oslo',
    address: { address_line: 'Sommerkroveien 34', postal_place: 'Oslo', country: 'NO' },
  });
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({
    customer_id: `m-${String(i).padStart(4, '0')}`,
    first_name: `Kari ${i}`,
    email: `kari${i}@example.com`,
    ...(i % 3 === 0 && { attributes: { tier: 'gold' } }),
  }));
  expect((await from('POST', '/customers/users/import', { customers })).status).toBe(200);
  for (let i = 0; i < CUSTOMERS; i += 10) {
    const cid = `m-${String(i).padStart(4, '0')}`;
    await from('POST', `/customers/users/${cid}/tokens`, { token_id: `card-${i}`, type: 'card', value: `708${i}` });
    await from('PUT', `/customers/users/${cid}/tags`, ['vip', 'staff']);
  }
  await seedDiscounts(from);
  const busy = await api(target, BUSY_AID);
  await busy('POST', '/customers/users', { customer_id: 'already-here' });
}, 120_000);

afterAll(() => {
  source?.stop();
  target?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('npm run import', () => {
  it('refuses a target holding other data unless --merge', async () => {
    const refused = await runImport(BUSY_AID);
    expect(refused.code).toBe(2);
    expect(refused.out).toContain('--merge');
    expect(existsSync(stateFile)).toBe(false);
  });

  it('resumes after a kill half-way, copies everything, and a second run changes nothing', async () => {
    const killed = await runImport(TO_AID, [], (out) => /rules: [1-9]\d* copied so far/.test(out));
    expect(killed.code).not.toBe(0);
    const half = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(half.done).toContain('customers');
    expect(half.done).not.toContain('rules');
    expect(half.cursor.rules).toBeDefined();

    const resumed = await runImport();
    expect(resumed.code).toBe(0);
    expect(resumed.out).not.toContain(client.secret);
    expect(resumed.out).not.toMatch(/customers: \d+ copied so far/);
    expect(resumed.out).toMatch(/rules: \d+ created/);
    expect(resumed.out).toMatch(/refs: 33 created, 0 updated, 0 unchanged/);
    expect(resumed.out).toMatch(/usages: 3 created, 0 updated, 0 unchanged/);
    expect(resumed.out).toMatch(/claims: 2 created, 0 updated, 0 unchanged/);

    const from = await api(source, FROM_AID);
    const to = await api(target, TO_AID);
    const strip = ({ id, created_at, created_by, updated_at, updated_by, ...rest }: any) => rest;
    const theirs = await everything(from, '/customers/users?type=any', 'customer_id');
    const ours = await everything(to, '/customers/users?type=any', 'customer_id');
    expect(theirs).toHaveLength(CUSTOMERS);
    expect(ours.map(strip)).toEqual(theirs.map(strip));
    for (const c of theirs.filter((_, i) => i % 10 === 0)) {
      const tokensFrom = (await from('GET', `/customers/users/${c.customer_id}/tokens`)).body;
      const tokensTo = (await to('GET', `/customers/users/${c.customer_id}/tokens`)).body;
      expect(tokensTo.map(strip)).toEqual(tokensFrom.map(strip));
    }
    const tagsOf = async (call: typeof to) =>
      (await call('GET', '/customers/tags')).body.map(({ id, tag, metadata }: any) => ({ id, tag, metadata }));
    expect(await tagsOf(to)).toEqual(await tagsOf(from));
    expect(await tagsOf(to)).toHaveLength(2);
    expect((await to('GET', '/locations/sc029')).body.name).toBe('SC Oslo');

    const theirSide = await discountSide(from);
    const ourSide = await discountSide(to);
    expect(theirSide.rules).toHaveLength(RULES - 1);
    expect(theirSide.refs[seeded[0]!]).toHaveLength(31);
    expect(theirSide.refs[seeded[1]!]).toHaveLength(2);
    expect(theirSide.refs[seeded[2]!]).toHaveLength(0);
    expect(theirSide.usages[seeded[0]!]).toHaveLength(2);
    expect(theirSide.automations).toHaveLength(1);
    expect(theirSide.ledger).toHaveLength(5);
    expect(ourSide).toEqual(theirSide);
    expect((await to('GET', `/discounts/rules/${seeded[RULES - 1]}`)).status).toBe(404);

    const again = await runImport();
    expect(again.code).toBe(0);
    expect(again.out).toContain('nothing to change');
    expect(again.out).toMatch(new RegExp(`customers: 0 created, 0 updated, ${CUSTOMERS} unchanged`));
    expect(again.out).toMatch(new RegExp(`rules: 0 created, 0 updated, ${RULES - 1} unchanged`));
    expect(again.out).toMatch(/campaigns: 0 created, 0 updated, 2 unchanged/);
    expect(again.out).toMatch(/refs: 0 created, 0 updated, 33 unchanged/);
    expect(again.out).toMatch(/usages: 0 created, 0 updated, 3 unchanged/);
    expect(again.out).toMatch(/automations: 0 created, 0 updated, 1 unchanged/);
    expect(again.out).toMatch(/claims: 0 created, 0 updated, 2 unchanged/);
    expect(await discountSide(to)).toEqual(ourSide);
  }, 600_000);

  it('copies live claims as claims (ids, times, holders kept) that a till can release on the target', async () => {
    const from = await api(source, FROM_AID);
    const to = await api(target, TO_AID);
    const claims = '/discounts/available_for_receipt/claims';
    const copied = await everything(to, claims, 'id');
    expect(copied.map((c) => c.id)).toEqual(claimIds.slice(0, 2));
    expect((await to('GET', `${claims}/${claimIds[2]}`)).status).toBe(404);
    expect((await to('GET', `${claims}/${claimOnDeletedRule}`)).status).toBe(404);
    for (const ours of copied) {
      const theirs = (await from('GET', `${claims}/${ours.id}`)).body;
      const kept = ({ purchase_at, created_at, customer_id, ref, type }: any) => ({
        ...{ purchase_at: Date.parse(purchase_at), created_at: Date.parse(created_at), customer_id, ref, type },
      });
      expect(kept(ours)).toEqual(kept(theirs));
      const figures = (c: any) => c.discounts.map((d: any) => [d.id, d.refs.map(({ id, ...f }: any) => f)]);
      expect(figures(ours)).toEqual(figures(theirs));
      // The claim names the target's ref of the same holder.
      const ref = (await to('GET', `/discounts/customers/${ours.customer_id}/refs/${ours.discounts[0].refs[0].id}`))
        .body;
      expect(ref.id).toBe(seeded[0]);
    }
    // Released on the target, the counters are the source's from before the claims: counted once, given back.
    for (const c of copied) expect((await to('DELETE', `${claims}/${c.id}`)).status).toBe(200);
    const refId = copied[0].discounts[0].refs[0].id;
    expect((await to('GET', `/discounts/customers/m-0000/refs/${refId}`)).body.statistics).toEqual(beforeClaims.ref);
    expect((await to('GET', `/discounts/rules/${seeded[0]}`)).body.statistics).toEqual(beforeClaims.rule);
  }, 600_000);
});
