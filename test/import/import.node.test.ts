/**
 * `npm run import` end to end: two `wrangler dev` instances, one the source (the only
 * Dintero-compatible server available offline), one the target. A run killed half-way resumes
 * from its state file, a finished import run again changes nothing and says so, everything is
 * compared, no secret is printed, and a target holding other data is refused without --merge.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, startWorker, type DevWorker } from '../wrangler-dev';

const FROM_AID = 'T30000001';
const TO_AID = 'T30000002';
const BUSY_AID = 'T30000003';
const CUSTOMERS = 230;
let source: DevWorker;
let target: DevWorker;
let client: { id: string; secret: string };
const scratch = mkdtempSync(join(tmpdir(), 'rabatt-import-'));
const stateFile = join(scratch, 'state.json');

function devClient(): { id: string; secret: string } {
  execFileSync(process.execPath, [join(root, 'scripts/ensure-dev-vars.mjs')], { cwd: root });
  const vars: Record<string, string> = Object.fromEntries(
    readFileSync(join(root, '.dev.vars'), 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z0-9_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { id: vars.BOOTSTRAP_CLIENT_ID!, secret: vars.BOOTSTRAP_CLIENT_SECRET! };
}

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
    const killed = await runImport(TO_AID, [], (out) => /customers: [1-9]\d* copied so far/.test(out));
    expect(killed.code).not.toBe(0);
    const half = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(half.done).not.toContain('customers');
    expect(half.cursor.customers).toBeDefined();

    const resumed = await runImport();
    expect(resumed.code).toBe(0);
    expect(resumed.out).not.toContain(client.secret);
    expect(resumed.out).toMatch(/customers: \d+ created/);

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

    const again = await runImport();
    expect(again.code).toBe(0);
    expect(again.out).toContain('nothing to change');
    expect(again.out).toMatch(new RegExp(`customers: 0 created, 0 updated, ${CUSTOMERS} unchanged`));
  }, 600_000);
});
