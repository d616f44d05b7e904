// Hot paths (issue 16, §3): requests per second of the four paths a busy shop leans on, each as a
// ratio to the trivial route (`GET /`) measured in the same run, alternating rounds:
// evaluation (1,000 rules, 50 lines), new claims (a new `ref` each), the cached public list,
// and retried claims. Targets (issue 22): ≥ 0.7, ≥ 0.35, ≥ 0.9, ≥ 0.95.
//
//   node bench/hot-paths.bench.mjs [--seconds 2] [--rounds 5] [--concurrency 8] [--rules 1000] [--quick] [--write]
//   --tmpfs: local storage on /dev/shm, so a commit's fsync does not stand for the disk's speed
//   node bench/hot-paths.bench.mjs --profile [kind,...]   # instead: CPU profiles under load, top functions
import { cpuProfile, saveProfile, summary } from './cpu-profile.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { command, flags, machine, median, report, startWorker, throughput, throughputRounds } from './harness.mjs';

const opt = flags();
const SECONDS = opt.num('seconds', 2, 0.5);
const ROUNDS = opt.num('rounds', 5, 2);
const CONCURRENCY = opt.num('concurrency', 8);
const RULES = opt.num('rules', 1000, 200);
const LINES = 50;
const AID = 'T99000016';
const TARGETS = { evaluate: 0.7, claim: 0.35, publicList: 0.9, retry: 0.95 };

const PROFILE = process.argv.includes('--profile');
const PROFILED = PROFILE ? (process.argv[process.argv.indexOf('--profile') + 1] ?? '').split(',') : [];
if (PROFILED[0]?.startsWith('--')) PROFILED.length = 0;
const INSPECTOR = 9331;
const TMPFS = process.argv.includes('--tmpfs') ? mkdtempSync('/dev/shm/rabatt-bench-') : undefined;
const worker = await startWorker({ ...(PROFILE && { inspectorPort: INSPECTOR }), persistRoot: TMPFS });
process.on('exit', () => TMPFS && rmSync(TMPFS, { recursive: true, force: true }));
const STORAGE = TMPFS ? 'tmpfs (/dev/shm), no fsync reaches a disk' : 'the system disk, as `wrangler dev`';
const { req, send } = worker;
const token = await worker.token(AID);
const discounts = `/v1/accounts/${AID}/discounts`;

// ---- seed: RULES rules given to everyone; 10 match items of the receipt, the rest ask for others.
const window = { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' };
let claimable;
for (let i = 0; i < RULES; i++) {
  const requirement =
    i < 10 ? { ...window, item: { items: [{ id: `SKU-${i}` }] } } : { ...window, item: { items: [{ id: `X-${i}` }] } };
  const reward = i % 3 === 0 ? { type: 'discount_amount', value: 500 + i } : { type: 'discount_percent', value: 5 };
  const rule = await req('POST', `${discounts}/rules`, {
    token,
    body: { name: `Rule ${i}`, receipt_text: `Rule ${i}`, requirement, reward },
  });
  const {
    refs: [ref],
  } = await req('POST', `${discounts}/rules/${rule.id}/customers`, { token, body: { customers: ['*'] } });
  if (i === 0) claimable = { rule: rule.id, ref: ref.id };
}
await req('PUT', `/v1/accounts/${AID}/settings`, { token, body: { public_offers: { anonymous: true, max_age: 30 } } });

const receipt = (n) => ({
  receipt_id: `bench-${n}`,
  purchase_at: new Date().toISOString(),
  store: { id: 'sc1' },
  customer_id: `member-${n % 50}`,
  currency: 'NOK',
  items: Array.from({ length: LINES }, (_, i) => ({
    id: `SKU-${i}`,
    line_id: i + 1,
    quantity: 1 + (i % 3),
    gross_amount: 10000,
    groups: [{ id: `group-${i % 4}` }],
  })),
});
// Claims spread over 1,000 members, as a shop's are: a `*` ref's usage is counted per customer from
// the customer's own ledger rows (docs/refs.md), so one customer claiming thousands of times in a row
// measures that customer's history, not the claim path.
const claim = (ref, n = 0) => ({
  ref,
  purchase_at: '2026-05-01T12:00:00Z',
  customer_id: `member-${n % 1000}`,
  discounts: [{ id: claimable.rule, refs: [{ id: claimable.ref, amount: 500, usage: 1 }] }],
});
const evaluated = await req('POST', `${discounts}/available_for_receipt`, { token, body: receipt(0) });
if (evaluated.discounts.length < 5) throw new Error(`expected discounts, got ${evaluated.discounts.length}`);
const known = claim('bench-known');
const first = await req('POST', `${discounts}/available_for_receipt/claims`, { token, body: known });

const ok = (status) => (res) => {
  if (res.status !== status) throw new Error(`answered ${res.status}: ${res.bytes.toString().slice(0, 200)}`);
};
let n = 0;
const BROWSER = { 'accept-encoding': 'gzip' };
const kinds = {
  trivial: () => send('GET', '/', { headers: BROWSER }).then(ok(200)),
  evaluate: () => send('POST', `${discounts}/available_for_receipt`, { token, body: receipt(++n) }).then(ok(200)),
  claim: () =>
    send('POST', `${discounts}/available_for_receipt/claims`, { token, body: claim(`bench-${++n}`, n) }).then(ok(200)),
  publicList: () => send('GET', `${discounts}/public/rules?limit=20`, { headers: BROWSER }).then(ok(200)),
  async retry() {
    const res = await send('POST', `${discounts}/available_for_receipt/claims`, { token, body: known });
    ok(200)(res);
    if (JSON.parse(res.bytes).id !== first.id) throw new Error('a retry answered another claim');
  },
};
await throughputRounds(kinds, { rounds: 1, seconds: SECONDS / 2, concurrency: CONCURRENCY }); // warm-up
if (PROFILE) {
  const sections = [];
  for (const [kind, send] of Object.entries(kinds)) {
    if (PROFILED.length && !PROFILED.includes(kind)) continue;
    let rate = 0;
    const profile = await cpuProfile(INSPECTOR, async () => {
      rate = await throughput(send, { seconds: SECONDS * 2, concurrency: CONCURRENCY });
    });
    saveProfile(`/tmp/hot-paths-${kind}.cpuprofile`, profile);
    const { busyShare, table } = summary(profile, 12, { exclude: ['requestLog'] });
    const busy = `isolate busy ${(100 * busyShare).toFixed(0)} %`;
    sections.push(`### ${kind}: ${rate.toFixed(0)} req/s while profiled, ${busy}\n\n${table}`);
  }
  await worker.close();
  report(
    TMPFS ? 'Hot paths: profiles, storage on tmpfs' : 'Hot paths: profiles',
    `
Machine: ${machine()}. Storage: ${STORAGE}.
Each kind alone for ${SECONDS * 2} s, ${CONCURRENCY} in flight, sampled every 100 µs by workerd's V8 inspector (one
isolate runs the Worker and the account object). Self time by function in the bundled Worker, as shares of the
isolate's busy time; \`(anonymous) :0\` and other \`:0\` frames are the runtime's own code (RPC, streams, SQLite).
With the inspector attached, each \`console.log\` is also sent to it, which makes \`requestLog\` (a line a request)
cost about 1 ms: its own time and the native code it calls are left out of the shares (without the inspector the
log line costs 10–20 % of the trivial route's throughput, the same line on every route).
Profiles: /tmp/hot-paths-<kind>.cpuprofile (open in Chrome's DevTools). Run: \`${command()}\`.

${sections.join('\n\n')}
`,
  );
  process.exit(0);
}
const rounds = await throughputRounds(kinds, { rounds: ROUNDS, seconds: SECONDS, concurrency: CONCURRENCY });
await worker.close();

const ratio = (k) => median(rounds[k].map((r, i) => r / rounds.trivial[i]));
const verdict = (k) => (ratio(k) >= TARGETS[k] ? 'met' : '**missed**');
const target = (k) => (k === 'trivial' ? '' : `≥ ${TARGETS[k]} ${verdict(k)}`);
const row = (what, k) => `| ${what} | ${median(rounds[k]).toFixed(0)} | ${ratio(k).toFixed(2)} | ${target(k)} |`;
report(
  TMPFS ? 'Hot paths, storage on tmpfs' : 'Hot paths',
  `
Machine: ${machine()}. Storage: ${STORAGE}.
${ROUNDS} alternating rounds of ${SECONDS} s after a warm-up round, ${CONCURRENCY} requests in flight; ratios are the
median of per-round ratios. ${RULES} rules given to everyone (10 match the receipt), receipts of ${LINES} lines.
Run: \`${command()}\`.

| request | req/s (median round) | ratio to trivial | target |
|---|---:|---:|---|
${row('`GET /` (trivial)', 'trivial')}
${row(`\`POST …/available_for_receipt\` (${RULES} rules, ${LINES} lines)`, 'evaluate')}
${row('`POST …/claims`, a new `ref` each', 'claim')}
${row('`GET …/public/rules?limit=20`, anonymous, cached', 'publicList')}
${row('`POST …/claims`, retry of a known `ref`', 'retry')}
`,
);
