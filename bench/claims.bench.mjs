// Claims benchmark (issue 6): claims per second through HTTP for (a) claims with distinct refs
// (each commits in the account object) and (b) retries of one known ref (answered from KV at the
// edge), each as a ratio to a trivial route (`GET /`) measured in the same run. Runs the real
// Worker in workerd through Miniflare with a local SQLite Durable Object and a local KV namespace.
//
//   node bench/claims.bench.mjs [--requests 2000] [--concurrency 8] [--write]
//
// --write appends the figures to bench/RESULTS.md ("Claims").
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { appendFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import http from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REQUESTS = arg('requests', 2000);
const CONCURRENCY = arg('concurrency', 8);
const AID = 'T99000006';
const BASE = 'http://bench.rabatt';
const SECRETS = {
  JWT_SECRET: 'bench-jwt-secret-that-is-at-least-32-bytes-long',
  BOOTSTRAP_CLIENT_ID: 'bench-bootstrap',
  BOOTSTRAP_CLIENT_SECRET: 'bench-bootstrap-secret',
};

/** hono-openapi's optional validation vendors are not installed: bundle them as failing stubs. */
function optionalImports() {
  return {
    name: 'optional-imports',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData?.probe || /^(cloudflare|node):/.test(args.path)) return undefined;
        const found = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: { probe: true } });
        return found.errors.length ? { path: args.path, namespace: 'missing' } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'missing' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path} is not installed`)});`,
      }));
    },
  };
}

const bundle = await build({
  entryPoints: [`${root}functions/index.ts`],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  conditions: ['workerd', 'worker', 'browser'],
  external: ['cloudflare:*', 'node:*'],
  outfile: join(mkdtempSync(join(os.tmpdir(), 'rabatt-bench-')), 'worker.mjs'),
  logLevel: 'error',
  metafile: true,
  plugins: [optionalImports()],
});
const scriptPath = resolve(Object.keys(bundle.metafile.outputs).find((f) => f.endsWith('.mjs')));

const mf = new Miniflare({
  modules: true,
  scriptPath,
  modulesRoot: dirname(scriptPath),
  compatibilityDate: '2026-04-01',
  compatibilityFlags: ['nodejs_compat'],
  durableObjects: { ACCOUNTS: { className: 'AccountStore', useSQLite: true } },
  kvNamespaces: ['CLAIM_REFS'],
  bindings: SECRETS,
});

// Straight to workerd's socket over kept-alive connections (Miniflare's dispatchFetch adds a hop).
const origin = await mf.ready;
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function request(method, path, { token, body, headers = {} } = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (payload !== undefined) Object.assign(h, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  return new Promise((resolvePromise, reject) => {
    const r = http.request(new URL(path, origin), { method, agent, headers: h }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode >= 400) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
        else resolvePromise(text);
      });
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(payload);
  });
}

const token = JSON.parse(
  await request('POST', `/v1/accounts/${AID}/auth/token`, {
    headers: { authorization: 'Basic ' + Buffer.from(`${SECRETS.BOOTSTRAP_CLIENT_ID}:${SECRETS.BOOTSTRAP_CLIENT_SECRET}`).toString('base64') },
    body: { grant_type: 'client_credentials', audience: `${BASE}/v1/accounts/${AID}` },
  }),
).access_token;
const discounts = `/v1/accounts/${AID}/discounts`;
const claims = `${discounts}/available_for_receipt/claims`;

// ---- setup: one unlimited rule given to one customer
const rule = JSON.parse(
  await request('POST', `${discounts}/rules`, {
    token,
    body: {
      name: 'Bench 10%',
      requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' },
      reward: { type: 'discount_percent', value: 10 },
    },
  }),
);
const [ref] = JSON.parse(await request('POST', `${discounts}/rules/${rule.id}/customers`, { token, body: { customers: ['bench-member'] } }));
const claimBody = (r) => ({
  purchase_at: '2024-05-01T12:00:00Z',
  customer_id: 'bench-member',
  type: 'pos',
  ref: r,
  discounts: [{ id: rule.id, refs: [{ id: ref.id, amount: 1999, usage: 1 }] }],
});

/** `count` requests, `CONCURRENCY` in flight; answers per second. */
async function throughput(count, send) {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await send(next++);
    }),
  );
  return count / ((performance.now() - t) / 1000);
}

const trivial = () => request('GET', '/');
let distinctN = 0;
const distinct = () => request('POST', claims, { token, body: claimBody(`bench-distinct-${distinctN++}`) });
// Without a ref nothing is cached: the difference to `distinct` is the KV write after the answer.
const { ref: _noRef, ...anonymousBody } = claimBody('unused');
const unkeyed = () => (distinctN++, request('POST', claims, { token, body: anonymousBody }));
const known = claimBody('bench-known');
const first = JSON.parse(await request('POST', claims, { token, body: known }));
const retry = async () => {
  const answer = JSON.parse(await request('POST', claims, { token, body: known }));
  if (answer.id !== first.id) throw new Error('a retry answered another claim');
};

// An authenticated read through the account object: what every request pays before a claim's own work.
const read = () => request('GET', `${claims}/${first.id}`, { token });

// Warm-up (and let the KV write of the known ref land), then alternate rounds so neither side
// profits from running first; report the median round of each.
for (const f of [trivial, read, distinct, unkeyed, retry]) await throughput(200, f);
const ROUNDS = 3;
const per = Math.ceil(REQUESTS / ROUNDS);
const results = { trivial: [], read: [], distinct: [], unkeyed: [], retry: [] };
for (let round = 0; round < ROUNDS; round++) {
  results.trivial.push(await throughput(per, trivial));
  results.read.push(await throughput(per, read));
  results.distinct.push(await throughput(per, distinct));
  results.unkeyed.push(await throughput(per, unkeyed));
  results.retry.push(await throughput(per, retry));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]));

// The retries never reached the account object: the ref's usage counts each distinct claim once
// plus the first known-ref claim, nothing more.
const stats = JSON.parse(await request('GET', `${discounts}/customers/bench-member/refs/${ref.id}`, { token })).statistics;
const expected = distinctN + 1;
if (stats.usage !== expected) throw new Error(`usage ${stats.usage}, expected ${expected}`);

let cpu = 'unknown';
try {
  cpu = os.cpus()[0]?.model ?? cpu;
} catch {}
const row = (what, r) => `| ${what} | ${r.toFixed(0)} | ${(r / rate.trivial).toFixed(2)}× |`;
const report = [
  '',
  '## Claims',
  '',
  `${per} requests per round, ${ROUNDS} interleaved rounds (median round shown), ${CONCURRENCY} in flight, through HTTP to workerd`,
  '(Miniflare, local SQLite Durable Object, local KV). Each claim names one ref of one rule.',
  `Machine: ${os.cpus().length} CPUs (nproc), ${cpu}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
  '',
  '| request | per second | vs trivial route |',
  '|---|---|---|',
  row('`GET /` (trivial route: no auth, no storage)', rate.trivial),
  row('`GET …/claims/{id}` (token check + one account-object read)', rate.read),
  row('`POST …/claims`, a new `ref` each (commits in the account object)', rate.distinct),
  row('`POST …/claims` without a `ref` (commits; nothing cached)', rate.unkeyed),
  row('`POST …/claims`, retry of a known `ref` (answered at the edge: memory copy, else KV)', rate.retry),
  '',
  `Retries cost what the token check costs: ${(rate.retry / rate.read).toFixed(2)}× the authenticated read. New claims are bound by the`,
  'account object\'s durable write per claim (one transaction); with a `ref` the Worker also writes KV after answering.',
  `After the run the ref's usage is ${stats.usage} = ${distinctN} new claims + 1: no retry reached the account object's counters.`,
  '',
  'Command: `node bench/claims.bench.mjs --write` (or `npm run bench -- claims`)',
  '',
].join('\n');
console.log(report);
if (process.argv.includes('--write')) {
  const file = join(root, 'bench/RESULTS.md');
  if (!existsSync(file)) writeFileSync(file, '# Benchmark results\n');
  appendFileSync(file, report);
}
await mf.dispose();
agent.destroy();
