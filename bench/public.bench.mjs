// Public offers benchmark (issue 7): requests/s for a cached public list of 100 rules against a
// trivial route (`GET /`) in the same run and the same Worker, plus the latency of the first,
// uncached request after a write. Runs the real Worker in workerd through Miniflare.
//
//   node bench/public.bench.mjs [--seconds 5] [--concurrency 32] [--write]
//
// --write appends the figures to bench/RESULTS.md ("Public offers").
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 2);
const ROUNDS = arg('rounds', 5);
let gzipBytes = 0;
const CONCURRENCY = arg('concurrency', 32);
const RULES = 100;
const AID = 'T99000001';
const BASE = 'http://bench.rabatt';
const SECRETS = {
  JWT_SECRET: 'bench-jwt-secret-that-is-at-least-32-bytes-long',
  BOOTSTRAP_CLIENT_ID: 'bench-bootstrap',
  BOOTSTRAP_CLIENT_SECRET: 'bench-bootstrap-secret',
};

/**
 * hono-openapi loads validation vendors (effect, arktype, ...) with dynamic imports that are not
 * installed; like wrangler, bundle them as modules that fail only if ever loaded.
 */
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
  cache: true,
});

async function req(method, path, { token, body, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await mf.dispatchFetch(BASE + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { res, text };
}

// ---- seed: 100 public rules given to everyone, anonymous storefront access on
const { text: tokenText } = await req('POST', `/v1/accounts/${AID}/auth/token`, {
  headers: { authorization: 'Basic ' + btoa(`${SECRETS.BOOTSTRAP_CLIENT_ID}:${SECRETS.BOOTSTRAP_CLIENT_SECRET}`) },
  body: { grant_type: 'client_credentials', audience: `${BASE}/v1/accounts/${AID}` },
});
const token = JSON.parse(tokenText).access_token;
const ruleIds = [];
for (let i = 0; i < RULES; i++) {
  const { text } = await req('POST', `/v1/accounts/${AID}/discounts/rules`, {
    token,
    body: {
      name: `Offer ${i}`,
      receipt_text: `Offer ${i}`,
      description: 'Buy three, pay for two on selected garden furniture this month.',
      requirement: {
        purchase_from: '2020-01-01T00:00:00Z',
        purchase_to: '2099-01-01T00:00:00Z',
        item: { quantity: 3, items: [{ group_id: `garden-${i}` }] },
      },
      reward: { type: 'discount_item_quantity', value: 1 },
      metadata: { campaign_id: 'V101', is_featured: i % 7 === 0, 'dintero:exclude:public:kind': 'Gold' },
      links: [{ href: `https://shop.example.com/offers/${i}.png`, rel: 'thumbnail_discount_image' }],
    },
  });
  ruleIds.push(JSON.parse(text).id);
}
await give(ruleIds, ['*']);
await req('PUT', `/v1/accounts/${AID}/settings`, {
  token,
  body: { public_offers: { anonymous: true, allowed_origins: ['https://shop.example.com'] } },
});

/** Gives rules through the refs HTTP route when it is there, else through the account object's RPC. */
async function give(ids, customers) {
  for (const id of ids) {
    const res = await mf.dispatchFetch(`${BASE}/v1/accounts/${AID}/discounts/rules/${id}/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customers }),
    });
    await res.text();
    if (res.status === 200) continue;
    const ns = await mf.getDurableObjectNamespace('ACCOUNTS');
    await ns.get(ns.idFromName(AID)).giveRule(id, { customers }, 'bench');
  }
}

const LIST = `/v1/accounts/${AID}/discounts/public/rules?limit=100`;
const first = await req('GET', LIST, { headers: { origin: 'https://shop.example.com' } });
const listed = JSON.parse(first.text).length;
if (listed !== RULES) throw new Error(`expected ${RULES} public rules, got ${listed}`);
const listBytes = first.text.length;

// Load goes straight to workerd's socket over kept-alive connections: Miniflare's dispatchFetch
// adds a proxy hop per request that would dominate both sides of the ratio.
const origin = await mf.ready;
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function get(path, headers = {}, method = 'GET') {
  return new Promise((resolvePromise, reject) => {
    const r = http.request(new URL(path, origin), { agent, headers, method }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolvePromise({ status: res.statusCode, cache: res.headers['x-rabatt-cache'] }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end();
  });
}

// ---- throughput: closed loop with CONCURRENCY requests in flight for SECONDS
async function throughput(path, headers = {}, expectCache, method = 'GET', expectStatus = 200) {
  let done = 0;
  let bad = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const res = await get(path, headers, method);
      if (res.status !== expectStatus || (expectCache && res.cache !== expectCache)) bad++;
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const rps = done / ((performance.now() - start) / 1000);
  if (bad) throw new Error(`${bad} of ${done} requests to ${path} were not 200${expectCache ? ` ${expectCache}` : ''}`);
  return rps;
}

// Browsers always offer compression; the trivial route gets the same headers.
const BROWSER = { 'accept-encoding': 'gzip, deflate, br', origin: 'https://shop.example.com' };
await verifyWireGzip();
await throughput('/', BROWSER);
await throughput(LIST, BROWSER, 'hit');
// Rounds alternate the routes so that background load hits both alike; the ratio is the median
// of per-round ratios.
const rounds = { trivial: [], floor: [], anonymous: [], token: [] };
for (let round = 0; round < ROUNDS; round++) {
  rounds.trivial.push(await throughput('/', BROWSER));
  rounds.floor.push(await throughput(LIST, { ...BROWSER, 'access-control-request-method': 'GET' }, undefined, 'OPTIONS', 204));
  rounds.anonymous.push(await throughput(LIST, BROWSER, 'hit'));
  rounds.token.push(await throughput(LIST, { ...BROWSER, authorization: `Bearer ${token}` }, 'hit'));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratio = (xs) => median(xs.map((x, i) => x / rounds.trivial[i]));

/** The cached body really goes out gzipped, and unpacks to the 100 rules. */
async function verifyWireGzip() {
  const body = await new Promise((resolvePromise, reject) => {
    http.get(new URL(LIST, origin), { agent, headers: BROWSER }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolvePromise({ encoding: res.headers['content-encoding'], bytes: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
  if (body.encoding !== 'gzip') throw new Error('expected a gzipped public list');
  const rules = JSON.parse(gunzipSync(body.bytes).toString('utf8'));
  if (rules.length !== RULES) throw new Error('the gzipped list does not unpack to the rules');
  gzipBytes = body.bytes.length;
}

// ---- uncached: latency of the first request after a write (median and p95 of 30 writes)
const uncached = [];
const cachedLatency = [];
for (let i = 0; i < 30; i++) {
  await req('PUT', `/v1/accounts/${AID}/discounts/rules/${ruleIds[i]}`, { token, body: { description: `Edited ${i}` } });
  let t = performance.now();
  const miss = await get(LIST, BROWSER);
  uncached.push(performance.now() - t);
  if (miss.cache !== 'miss') throw new Error('expected a miss after a write');
  t = performance.now();
  const hit = await get(LIST, BROWSER);
  cachedLatency.push(performance.now() - t);
  if (hit.cache !== 'hit') throw new Error('expected a hit after the miss');
}
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

agent.destroy();
await mf.dispose();

const fmt = (n) => n.toFixed(0);
const ms = (n) => n.toFixed(1);
const lines = [
  `### ${new Date().toISOString().slice(0, 10)}`,
  '',
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `load average ${os.loadavg()[0].toFixed(1)} at the end, Node ${process.version}, workerd via Miniflare, load over ` +
    `kept-alive HTTP straight to workerd. ${ROUNDS} alternating rounds of ${SECONDS} s, ${CONCURRENCY} requests in flight. ` +
    `List: ${RULES} rules, ${(listBytes / 1024).toFixed(0)} KiB JSON, ${(gzipBytes / 1024).toFixed(1)} KiB gzipped. ` +
    'Command: `node bench/public.bench.mjs --write`.',
  '',
  '| what | req/s (median round) | ratio to trivial (median of rounds) |',
  '|---|---:|---:|',
  `| trivial route \`GET /\` | ${fmt(median(rounds.trivial))} | 1.00 |`,
  `| floor: CORS preflight (one call to the account object, nothing else) | ${fmt(median(rounds.floor))} | ${ratio(rounds.floor).toFixed(2)} |`,
  `| cached public list, anonymous storefront (target ≥ 0.8) | ${fmt(median(rounds.anonymous))} | ${ratio(rounds.anonymous).toFixed(2)} |`,
  `| cached public list, bearer token | ${fmt(median(rounds.token))} | ${ratio(rounds.token).toFixed(2)} |`,
  '',
  `One request at a time (30 samples): first request after a write (uncached) median ${ms(pct(uncached, 50))} ms, ` +
    `p95 ${ms(pct(uncached, 95))} ms; the cached request right after it median ${ms(pct(cachedLatency, 50))} ms, ` +
    `p95 ${ms(pct(cachedLatency, 95))} ms.`,
  '',
];
console.log(lines.join('\n'));

if (process.argv.includes('--write')) {
  const file = `${root}bench/RESULTS.md`;
  if (!existsSync(file)) writeFileSync(file, '# Benchmark results\n\n');
  const current = readFileSync(file, 'utf8');
  appendFileSync(file, (current.includes('## Public offers') ? '' : '\n## Public offers\n\n') + lines.join('\n') + '\n');
}
