// What every benchmark in bench/ shares: the real Worker in workerd (Miniflare, configured from
// wrangler.toml), requests over kept-alive HTTP straight to workerd's socket, timing loops,
// percentiles, machine details and bench/RESULTS.md sections. Types: harness.d.mts.
//
// Each benchmark takes `--write` (replace its section of bench/RESULTS.md), `--quick` (a smoke
// run: fewer seconds, samples and seeded rows) and its own `--name value` knobs.
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(root, 'bench/RESULTS.md');

/** Secrets the benchmark Worker runs with (never the developer's .dev.vars). */
export const SECRETS = {
  JWT_SECRET: 'bench-jwt-secret-that-is-at-least-32-bytes-long',
  BOOTSTRAP_CLIENT_ID: 'bench-bootstrap',
  BOOTSTRAP_CLIENT_SECRET: 'bench-bootstrap-secret',
  SECRETS_KEY: 'bench-secrets-key',
};

/**
 * Command-line flags: `write` and `quick` booleans, and `num(name, normal, quick)` for a
 * `--name value` knob whose default depends on quick mode.
 */
export function flags(argv = process.argv.slice(2)) {
  const quick = argv.includes('--quick');
  return {
    write: argv.includes('--write'),
    quick,
    num(name, normal, quickValue = normal) {
      const i = argv.indexOf(`--${name}`);
      const given = i >= 0 ? Number(argv[i + 1]) : NaN;
      return Number.isFinite(given) ? given : quick ? quickValue : normal;
    },
  };
}

/**
 * hono-openapi's optional validation vendors are not installed: bundle them as stubs that fail only
 * if loaded (as wrangler does).
 */
function optionalImports() {
  return {
    name: 'optional-imports',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData?.probe || /^(cloudflare|node):/.test(args.path))
          return undefined;
        const found = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          pluginData: { probe: true },
        });
        return found.errors.length ? { path: args.path, namespace: 'missing' } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'missing' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path} is not installed`)});`,
      }));
    },
  };
}

/** wrangler's own reading of wrangler.toml, so new bindings (objects, KV, vars) reach the benchmarks. */
async function wranglerOptions() {
  process.env.WRANGLER_LOG ??= 'warn'; // not "Using secrets defined in .dev.vars": the secrets are replaced below
  const { unstable_getMiniflareWorkerOptions } = await import('wrangler');
  return unstable_getMiniflareWorkerOptions(join(root, 'wrangler.toml'));
}

/**
 * Bundles functions/index.ts and starts it in workerd with wrangler.toml's compatibility settings,
 * Durable Objects (SQLite), KV namespaces and vars, the Cache API on, and SECRETS plus `bindings`
 * as secrets.
 *
 * Returns
 * - `origin`: workerd's socket (`http://127.0.0.1:<port>`), the host every request goes to;
 * - `send(method, path, { token, body, headers })` → `{ status, headers, bytes }`, never throws
 *   for an HTTP status;
 * - `req(...)`, same arguments → the parsed JSON (or text) body, gunzipped if need be; throws on
 *   a status ≥ 400;
 * - `token(aid)` → a bootstrap client-credentials access token for the account;
 * - `mf` (the Miniflare instance) and `close()`.
 *
 * `inspectorPort` opens workerd's V8 inspector there, for bench/cpu-profile.mjs; `persistRoot` is the
 * directory all local storage goes to (default: Miniflare's temporary directory on the system disk).
 */
export async function startWorker({ bindings = {}, inspectorPort, persistRoot } = {}) {
  const { workerOptions: wo, main } = await wranglerOptions();
  const bundle = await build({
    entryPoints: [main],
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
    compatibilityDate: wo.compatibilityDate,
    compatibilityFlags: wo.compatibilityFlags,
    durableObjects: wo.durableObjects,
    kvNamespaces: wo.kvNamespaces,
    bindings: { ...wo.bindings, ...SECRETS, ...bindings },
    cache: true,
    // Storage (SQLite files of the objects, KV blobs, the cache) under `persistRoot` when given, e.g.
    // tmpfs to take the disk's fsync out of a measurement; else Miniflare's temporary directory.
    ...(persistRoot ? { defaultPersistRoot: persistRoot } : {}),
    // For CPU profiles (bench/cpu-profile.mjs); off unless asked.
    ...(inspectorPort ? { inspectorPort } : {}),
    // The Worker's request log (one JSON line per request) would flood the terminal and time the
    // terminal; in production Workers Logs takes it off the request path. Other output passes.
    handleRuntimeStdio(stdout, stderr) {
      const pass = (stream, to) =>
        createInterface({ input: stream }).on('line', (l) => l.includes('"msg":"request"') || to.write(`${l}\n`));
      pass(stdout, process.stdout);
      pass(stderr, process.stderr);
    },
  });
  // Straight to workerd's socket over kept-alive connections: dispatchFetch adds a proxy hop per
  // request that would blur both sides of every ratio.
  const origin = String(await mf.ready).replace(/\/$/, '');
  const agent = new http.Agent({ keepAlive: true });

  function send(method, path, { token, body, headers = {} } = {}) {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (payload !== undefined)
      Object.assign(h, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    const attempt = (again) =>
      new Promise((done, fail) => {
        const r = http.request(origin + path, { method, agent, headers: h }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => done({ status: res.statusCode, headers: res.headers, bytes: Buffer.concat(chunks) }));
          res.on('error', fail);
        });
        // A kept-alive socket the server closed as it was reused: nothing reached the Worker, so the
        // request is sent once more on a new socket (Node's documented pattern, `reusedSocket`).
        r.on('error', (err) => {
          if (again && r.reusedSocket && err.code === 'ECONNRESET') done(attempt(false));
          else fail(err);
        });
        r.end(payload);
      });
    return attempt(true);
  }

  async function req(method, path, options) {
    const res = await send(method, path, options);
    const text = (res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.bytes) : res.bytes).toString('utf8');
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return /json/.test(res.headers['content-type'] ?? '') ? JSON.parse(text) : text;
  }

  async function token(aid) {
    const basic = Buffer.from(`${SECRETS.BOOTSTRAP_CLIENT_ID}:${SECRETS.BOOTSTRAP_CLIENT_SECRET}`).toString('base64');
    const answer = await req('POST', `/v1/accounts/${aid}/auth/token`, {
      headers: { authorization: `Basic ${basic}` },
      body: { grant_type: 'client_credentials', audience: `${origin}/v1/accounts/${aid}` },
    });
    return answer.access_token;
  }

  async function close() {
    agent.destroy();
    await mf.dispose();
  }

  return { mf, origin, send, req, token, close };
}

/**
 * Closed loop: `concurrency` callers each await `send(i)` and start the next, until `requests`
 * calls were made or `seconds` passed (give one). Returns answers per second.
 */
export async function throughput(send, { concurrency = 8, requests, seconds }) {
  let started = 0;
  const start = performance.now();
  const deadline = seconds === undefined ? Infinity : start + seconds * 1000;
  const more = () => (requests === undefined ? performance.now() < deadline : started < requests);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (more()) await send(started++);
    }),
  );
  return started / ((performance.now() - start) / 1000);
}

/**
 * Alternating rounds of `throughput` over named kinds, so background load on a shared machine hits
 * every kind alike. Returns req/s per round for each kind: `{ kind: [round1, round2, ...] }`.
 */
export async function throughputRounds(kinds, { rounds = 3, ...options }) {
  const out = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++)
    for (const [k, send] of Object.entries(kinds)) out[k].push(await throughput(send, options));
  return out;
}

/**
 * One request at a time: `samples` rounds, each timing every named kind once (interleaved, so
 * neither side profits from running first), after `warmup` untimed rounds. Returns milliseconds per
 * kind: `{ kind: [ms, ...] }`. Each call gets a number no other call of this run got.
 */
export async function latencies(kinds, { samples, warmup = 20 }) {
  const out = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  let n = 0;
  for (let i = 0; i < warmup; i++) for (const send of Object.values(kinds)) await send(n++);
  for (let i = 0; i < samples; i++)
    for (const [k, send] of Object.entries(kinds)) {
      const t = performance.now();
      await send(n++);
      out[k].push(performance.now() - t);
    }
  return out;
}

/** The p-th percentile (0–100, nearest rank) of a list of numbers. */
export function percentile(xs, p) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

export const median = (xs) => percentile(xs, 50);

/** Cores, CPU model, memory, Node version, load average and the time: one line for a results section. */
export function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  return (
    `${os.availableParallelism()} cores (nproc), ${cpu}, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
    `load average ${os.loadavg()[0].toFixed(1)} at the end, ${when} UTC`
  );
}

/** How to repeat this run: `npm run bench -- <name> <flags>`, without --write. */
export function command(argv = process.argv) {
  const name = basename(argv[1] ?? '').replace(/\.bench\..*$/, '');
  const rest = argv.slice(2).filter((a) => a !== '--write');
  return ['npm run bench --', name, ...rest].join(' ');
}

const HEADER = `# Benchmark results

\`npm run bench -- --write\` refreshes this file: each benchmark replaces its own \`##\` section (machine and date
included); \`npm run bench -- --quick\` is a smoke run that writes nothing. The HTTP benchmarks run the real Worker
(functions/index.ts bundled with esbuild) in workerd through Miniflare, set up from wrangler.toml (SQLite Durable
Objects, local KV, Cache API), and send requests over kept-alive HTTP straight to workerd's socket.

**Ratios.** Absolute figures move with the machine and its load (two shared cores here), so targets are ratios, and
the reference is measured in the same run, in the same Worker, interleaved with the requests it is compared with:
the trivial route \`GET /\` (no auth, no storage). Throughput runs in alternating rounds and its ratio is the median
of the per-round ratios; latency takes one request of each kind in turn and compares medians. Customers compares
its search with a read by id instead, as its target is stated.

**Profiles.** \`npm run bench -- hot-paths --profile [kind,...]\` samples the Worker's isolate (objects included)
through workerd's V8 inspector under load and lists the top functions per kind ("Hot paths: profiles");
the \`.cpuprofile\` files open in Chrome's DevTools. \`--tmpfs\` keeps all local storage on /dev/shm.
`;

/**
 * Replaces the `## title` section of bench/RESULTS.md (up to the next `## ` heading) with
 * `markdown`, or appends the section when there is none. Everything else is left as it is.
 */
export function writeSection(title, markdown) {
  const text = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : HEADER;
  const lines = text.replace(/\s+$/, '').split('\n');
  const start = lines.indexOf(`## ${title}`);
  const section = [`## ${title}`, '', ...markdown.trim().split('\n'), ''];
  if (start < 0) lines.push('', ...section);
  else {
    const next = lines.findIndex((l, i) => i > start && l.startsWith('## '));
    lines.splice(start, (next < 0 ? lines.length : next) - start, ...section);
  }
  writeFileSync(RESULTS, lines.join('\n').replace(/\n+$/, '\n'));
}

/** Prints a benchmark's section, and with `--write` puts it into bench/RESULTS.md. */
export function report(title, markdown, { write = flags().write } = {}) {
  console.log(`## ${title}\n\n${markdown.trim()}\n`);
  if (write) {
    writeSection(title, markdown);
    console.log(`(bench/RESULTS.md, section "${title}", replaced)`);
  }
}
