// Checkout benchmark (issue 8): latency of Dintero's express discount-code callback for a 20-item
// session against 1,000 rules (each given to everyone), signed like Dintero signs it, beside a
// trivial route (`GET /`) in the same run and the same Worker. Runs the real Worker in workerd
// through Miniflare with a local SQLite Durable Object. Requests go one at a time (latency, not
// throughput): Dintero waits for each answer while the shopper waits for Dintero.
//
//   node bench/checkout.bench.mjs [--requests 400] [--write]
//
// --write appends the figures to bench/RESULTS.md ("Checkout").
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REQUESTS = arg('requests', 400);
const RULES = 1000;
const ITEMS = 20;
const AID = 'T99000008';
const BASE = 'http://bench.rabatt';
const SIGNATURE_SECRET = 'bench-dintero-signature-secret';
const SECRETS = {
  JWT_SECRET: 'bench-jwt-secret-that-is-at-least-32-bytes-long',
  BOOTSTRAP_CLIENT_ID: 'bench-bootstrap',
  BOOTSTRAP_CLIENT_SECRET: 'bench-bootstrap-secret',
  SECRETS_KEY: 'bench-secrets-key',
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
      b.onLoad({ filter: /.*/, namespace: 'missing' }, (args) => ({ contents: `throw new Error(${JSON.stringify(`${args.path} is not installed`)});` }));
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

async function req(method, path, { token, body, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await mf.dispatchFetch(BASE + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text;
}

/** Dintero-Signature as spec §5 defines it (the Worker's own implementation is not reused here on purpose). */
function sign(method, url) {
  const u = new URL(url);
  const pairs = [...u.searchParams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const t = String(Math.floor(Date.now() / 1000));
  const text = [t, AID, method, u.hostname, u.pathname, new URLSearchParams(pairs).toString()].join('\n');
  return `t=${t},v0-hmac-sha256=${createHmac('sha256', SIGNATURE_SECRET).update(text).digest('hex')}`;
}

// ---- seed: 1,000 rules given to everyone. Most ask for items or groups the session does not
// have; 10 match its items, 5 ask for a discount code (one of which the session sends).
const token = JSON.parse(
  await req('POST', `/v1/accounts/${AID}/auth/token`, {
    headers: { authorization: 'Basic ' + btoa(`${SECRETS.BOOTSTRAP_CLIENT_ID}:${SECRETS.BOOTSTRAP_CLIENT_SECRET}`) },
    body: { grant_type: 'client_credentials', audience: `${BASE}/v1/accounts/${AID}` },
  }),
).access_token;
const window = { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' };
for (let i = 0; i < RULES; i++) {
  let requirement;
  let reward = { type: 'discount_percent', value: 5 + (i % 20) };
  if (i < 10) requirement = { ...window, item: { items: [{ id: `SKU-${i}` }] } };
  else if (i < 15) requirement = { ...window, discount_code: `BENCH-${i}` };
  else requirement = { ...window, item: { items: i % 2 ? [{ id: `OTHER-${i}` }] : [{ group_id: `other-group-${i}` }] } };
  if (i % 3 === 0) reward = { type: 'discount_amount', value: 500 + i };
  const rule = JSON.parse(await req('POST', `/v1/accounts/${AID}/discounts/rules`, { token, body: { name: `Rule ${i}`, receipt_text: `Rule ${i}`, requirement, reward } }));
  await req('POST', `/v1/accounts/${AID}/discounts/rules/${rule.id}/customers`, { token, body: { customers: ['*'] } });
}
await req('PUT', `/v1/accounts/${AID}/checkout/signature`, { token, body: { secret: SIGNATURE_SECRET } });

const session = (n) => ({
  id: `${AID}.bench-${n}`,
  order: {
    currency: 'NOK',
    amount: ITEMS * 10000,
    discount_codes: ['BENCH-12', 'UNKNOWN'],
    items: Array.from({ length: ITEMS }, (_, i) => ({
      id: `SKU-${i}`,
      line_id: `line-${i}`,
      description: `Item ${i}`,
      quantity: 1 + (i % 3),
      amount: 10000,
      vat_amount: 2000,
      vat: 25,
      groups: [{ id: `group-${i % 4}` }],
    })),
  },
  customer: { customer_id: `shopper-${n % 50}` },
  express: { shipping_options: [{ id: 'mail', line_id: 'mail', amount: 9900, title: 'Posten' }] },
});
const CODES_PATH = `/v1/accounts/${AID}/checkout/discount_codes`;

async function timed(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
async function trivial() {
  const res = await mf.dispatchFetch(BASE + '/');
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`GET / answered ${res.status}`);
}
let n = 0;
let answerBytes = 0;
async function discountCodes() {
  const body = JSON.stringify(session(++n));
  const res = await mf.dispatchFetch(BASE + CODES_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'dintero-signature': sign('POST', BASE + CODES_PATH) },
    body,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`discount_codes answered ${res.status}: ${text.slice(0, 300)}`);
  const answer = JSON.parse(text);
  if (answer.order.items.length !== ITEMS || answer.order.discount_codes.join() !== 'BENCH-12') throw new Error('unexpected answer');
  answerBytes = text.length;
}

/** The same items as a plain receipt: the evaluation alone, for comparison. */
const receipt = (n) => {
  const s = session(n);
  return {
    receipt_id: s.id,
    purchase_at: new Date().toISOString(),
    store: { id: 'web' },
    customer_id: s.customer.customer_id,
    currency: 'NOK',
    discount_code: s.order.discount_codes,
    items: s.order.items.map((it, i) => ({ id: it.id, line_id: i + 1, quantity: it.quantity, gross_amount: it.amount, groups: it.groups })),
  };
};
async function available() {
  const res = await mf.dispatchFetch(`${BASE}/v1/accounts/${AID}/discounts/available_for_receipt`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(receipt(++n)),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`available_for_receipt answered ${res.status}`);
}

// Warm up (the first call compiles the 1,000 rules in the account object), then interleave.
for (let i = 0; i < 20; i++) {
  await trivial();
  await discountCodes();
  await available();
}
const trivialMs = [];
const codesMs = [];
const availableMs = [];
for (let i = 0; i < REQUESTS; i++) {
  trivialMs.push(await timed(trivial));
  codesMs.push(await timed(discountCodes));
  availableMs.push(await timed(available));
}
await mf.dispose();

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const ms = (x) => x.toFixed(2);
const lines = [
  `### Checkout — ${new Date().toISOString().slice(0, 10)}`,
  '',
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
    `workerd via Miniflare (\`dispatchFetch\`), one request at a time, ${REQUESTS} of each, interleaved after 20 warm-up pairs. ` +
    `Session: ${ITEMS} items, 2 codes (one valid), signed; ${RULES} rules each given to everyone (10 match items, 5 need a code). ` +
    `Answer ${(answerBytes / 1024).toFixed(1)} KiB. Command: \`node bench/checkout.bench.mjs\`.`,
  '',
  '| what | median ms | p99 ms |',
  '|---|---:|---:|',
  `| trivial route \`GET /\` | ${ms(pct(trivialMs, 50))} | ${ms(pct(trivialMs, 99))} |`,
  `| \`POST /checkout/discount_codes\` (verify signature, evaluate, store the session, answer) | ${ms(pct(codesMs, 50))} | ${ms(pct(codesMs, 99))} |`,
  `| for comparison: \`POST /discounts/available_for_receipt\`, same items as a receipt | ${ms(pct(availableMs, 50))} | ${ms(pct(availableMs, 99))} |`,
  '',
];
console.log(lines.join('\n'));

if (process.argv.includes('--write')) {
  const file = `${root}bench/RESULTS.md`;
  if (!existsSync(file)) writeFileSync(file, '# Benchmark results\n\n');
  const current = readFileSync(file, 'utf8');
  appendFileSync(file, (current.includes('## Checkout') ? '' : '\n## Checkout\n\n') + lines.join('\n') + '\n');
}
