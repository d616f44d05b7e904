// Customers benchmark (issue 5): median latency of a prefix `search` over 100,000 customers of one
// account, beside the latency of reading one customer by customer_id in the same run. Runs the
// real Worker in workerd through Miniflare; seeding goes through the admin bulk import route.
//
//   node bench/customers.bench.mjs [--customers 100000] [--samples 300] [--write]
//
// --write appends the figures to bench/RESULTS.md ("Customers").
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
const CUSTOMERS = arg('customers', 100_000);
const SAMPLES = arg('samples', 300);
const BATCH = 1000;
const AID = 'T99000005';
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

// Requests go straight to workerd's socket over a kept-alive connection: Miniflare's dispatchFetch
// adds a proxy hop that would blur both sides of the ratio.
const origin = await mf.ready;
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
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

const tokenText = await request('POST', `/v1/accounts/${AID}/auth/token`, {
  headers: { authorization: 'Basic ' + Buffer.from(`${SECRETS.BOOTSTRAP_CLIENT_ID}:${SECRETS.BOOTSTRAP_CLIENT_SECRET}`).toString('base64') },
  body: { grant_type: 'client_credentials', audience: `${BASE}/v1/accounts/${AID}` },
});
const token = JSON.parse(tokenText).access_token;
const users = `/v1/accounts/${AID}/customers/users`;

// ---- seed: deterministic, realistic-ish Norwegian names, emails and phones
const FIRST = ['Kari', 'Ola', 'Ingrid', 'Lars', 'Sofie', 'Jonas', 'Emma', 'Henrik', 'Nora', 'Magnus', 'Ida', 'Sander', 'Thea', 'Elias', 'Maja', 'Oskar', 'Sara', 'Filip', 'Hanna', 'Mathias', 'Julie', 'Tobias', 'Amalie', 'Kristian', 'Vilde', 'Andreas', 'Frida', 'Martin', 'Tiril', 'Eirik'];
const LAST = ['Hansen', 'Johansen', 'Olsen', 'Larsen', 'Andersen', 'Pedersen', 'Nilsen', 'Kristiansen', 'Jensen', 'Karlsen', 'Johnsen', 'Pettersen', 'Eriksen', 'Berg', 'Haugen', 'Hagen', 'Johannessen', 'Andreassen', 'Jacobsen', 'Dahl', 'Jørgensen', 'Halvorsen', 'Henriksen', 'Lund', 'Sørensen', 'Jakobsen', 'Moen', 'Gundersen', 'Iversen', 'Strand'];
let seed = 42;
const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
const customer = (i) => {
  const first = FIRST[rand(FIRST.length)];
  const last = LAST[rand(LAST.length)];
  return {
    customer_id: `m-${String(i).padStart(6, '0')}`,
    first_name: first,
    last_name: last,
    email: `${first}.${last}.${i}@example.no`.toLowerCase().replace(/ø/g, "o"),
    phone_number: `+47${String(40000000 + i * 7).slice(0, 8)}`,
    attributes: { tier: ['bronze', 'silver', 'gold'][i % 3] },
  };
};

const seedStart = performance.now();
const batches = Math.ceil(CUSTOMERS / BATCH);
let next = 0;
// Two imports in flight: the account object runs one at a time, the other is parsing/in transit.
await Promise.all(
  [0, 1].map(async () => {
    while (next < batches) {
      const b = next++;
      const customers = Array.from({ length: Math.min(BATCH, CUSTOMERS - b * BATCH) }, (_, k) => customer(b * BATCH + k));
      await request('POST', `${users}/import`, { token, body: { customers } });
    }
  }),
);
const seedSeconds = (performance.now() - seedStart) / 1000;
const total = (await new Promise((r) =>
  http.get(new URL(`${users}?total=true&limit=1`, origin), { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
    res.resume();
    r(res.headers['total-count']);
  }),
));
if (Number(total) !== CUSTOMERS) throw new Error(`expected ${CUSTOMERS} customers, found ${total}`);

// ---- measure: interleave the two kinds so neither profits from running first
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
async function timed(path) {
  const t = performance.now();
  const text = await request('GET', path, { token });
  return { ms: performance.now() - t, text };
}
const byId = [];
const search = [];
const searchRare = [];
const searchNone = [];
let matched = 0;
for (let i = 0; i < 20; i++) await timed(`${users}/m-${String(i).padStart(6, '0')}`); // warm-up
for (let i = 0; i < SAMPLES; i++) {
  const id = `m-${String(rand(CUSTOMERS)).padStart(6, '0')}`;
  byId.push((await timed(`${users}/${id}`)).ms);
  // A common prefix (~1/30 of customers match: thousands), as a till operator types a name.
  const name = FIRST[rand(FIRST.length)].slice(0, 3).toLowerCase();
  const s = await timed(`${users}?search=${encodeURIComponent(name)}&limit=10`);
  matched += JSON.parse(s.text).length;
  search.push(s.ms);
  // A selective prefix: first name and the start of a phone number.
  const rare = await timed(`${users}?search=${encodeURIComponent(`${FIRST[rand(FIRST.length)].toLowerCase()} +47400`)}&limit=10`);
  searchRare.push(rare.ms);
  // Worst case: a 5-letter prefix nobody has, whose first 4 letters thousands share (every candidate is checked).
  searchNone.push((await timed(`${users}?search=${FIRST[rand(FIRST.length)].slice(0, 4).toLowerCase()}qz&limit=10`)).ms);
}
if (matched < SAMPLES * 10) throw new Error('common-prefix searches returned short pages');

const fmt = (x) => x.toFixed(2);
const rows = [
  ['GET /users/{customer_id}', median(byId), p95(byId)],
  ['GET /users?search=<3-letter name prefix>&limit=10', median(search), p95(search)],
  ['GET /users?search=<first name> +47400&limit=10', median(searchRare), p95(searchRare)],
  ['GET /users?search=<4-letter name prefix>qz&limit=10 (no match)', median(searchNone), p95(searchNone)],
];
const ratio = median(search) / median(byId);
let cpu = 'unknown';
try {
  cpu = os.cpus()[0]?.model ?? cpu;
} catch {}
const report = [
  '',
  '## Customers',
  '',
  `${CUSTOMERS.toLocaleString('en')} customers in one account (seeded through \`POST /customers/users/import\` in batches of ${BATCH}: ${fmt(seedSeconds)} s).`,
  `${SAMPLES} samples each, interleaved, through HTTP to workerd (Miniflare, local SQLite Durable Object).`,
  `Machine: ${os.cpus().length} CPUs (nproc), ${cpu}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
  '',
  '| request | median ms | p95 ms |',
  '|---|---|---|',
  ...rows.map(([what, m, p]) => `| ${what} | ${fmt(m)} | ${fmt(p)} |`),
  '',
  `Common-prefix search / read by id (medians): **${ratio.toFixed(2)}×** (target < 3×).`,
  '',
  'Command: `node bench/customers.bench.mjs --write`',
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
if (ratio >= 3) process.exitCode = 1;
