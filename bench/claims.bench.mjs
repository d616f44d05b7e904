// Claims benchmark (issue 6): claims per second through HTTP for (a) claims with distinct refs
// (each commits in the account object) and (b) retries of one known ref (answered at the edge from
// memory or KV), each as a ratio to the trivial route (`GET /`) measured in the same run.
//
//   node bench/claims.bench.mjs [--requests 2000] [--concurrency 8] [--quick] [--write]
import { command, flags, machine, median, report, startWorker, throughputRounds } from './harness.mjs';

const opt = flags();
const REQUESTS = opt.num('requests', 2000, 300);
const CONCURRENCY = opt.num('concurrency', 8);
const ROUNDS = 3;
const AID = 'T99000006';

const worker = await startWorker();
const { req } = worker;
const token = await worker.token(AID);
const discounts = `/v1/accounts/${AID}/discounts`;
const claims = `${discounts}/available_for_receipt/claims`;

// ---- setup: one unlimited rule given to one customer
const rule = await req('POST', `${discounts}/rules`, {
  token,
  body: {
    name: 'Bench 10%',
    requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' },
    reward: { type: 'discount_percent', value: 10 },
  },
});
const [ref] = await req('POST', `${discounts}/rules/${rule.id}/customers`, {
  token,
  body: { customers: ['bench-member'] },
});
const claimBody = (r) => ({
  purchase_at: '2024-05-01T12:00:00Z',
  customer_id: 'bench-member',
  type: 'pos',
  ref: r,
  discounts: [{ id: rule.id, refs: [{ id: ref.id, amount: 1999, usage: 1 }] }],
});

let committed = 0; // claims that reached the account object's counters
const known = claimBody('bench-known');
const first = await req('POST', claims, { token, body: known });
committed++;
// Without a ref nothing is cached: the difference to `distinct` is the KV write after the answer.
const { ref: _noRef, ...anonymousBody } = claimBody('unused');
const kinds = {
  trivial: () => req('GET', '/'),
  // An authenticated read through the account object: what every request pays before a claim's own work.
  read: () => req('GET', `${claims}/${first.id}`, { token }),
  distinct: () => req('POST', claims, { token, body: claimBody(`bench-distinct-${++committed}`) }),
  unkeyed: () => {
    committed++;
    return req('POST', claims, { token, body: anonymousBody });
  },
  async retry() {
    const answer = await req('POST', claims, { token, body: known });
    if (answer.id !== first.id) throw new Error('a retry answered another claim');
  },
};

// Warm-up (and let the KV write of the known ref land), then alternating rounds; the median round counts.
await throughputRounds(kinds, { rounds: 1, requests: 200, concurrency: CONCURRENCY });
const per = Math.ceil(REQUESTS / ROUNDS);
const rounds = await throughputRounds(kinds, { rounds: ROUNDS, requests: per, concurrency: CONCURRENCY });
const rate = Object.fromEntries(Object.entries(rounds).map(([k, v]) => [k, median(v)]));

// The retries never reached the account object: the ref's usage counts each committed claim once.
const stats = (await req('GET', `${discounts}/customers/bench-member/refs/${ref.id}`, { token })).statistics;
if (stats.usage !== committed) throw new Error(`usage ${stats.usage}, expected ${committed}`);
await worker.close();

const ratio = (k) => median(rounds[k].map((r, i) => r / rounds.trivial[i]));
const row = (what, k) => `| ${what} | ${rate[k].toFixed(0)} | ${ratio(k).toFixed(2)} |`;
report(
  'Claims',
  `
Machine: ${machine()}.
${per} requests per round, ${ROUNDS} alternating rounds after a warm-up round ` +
    `(median round shown; ratios are the median of per-round ratios), ${CONCURRENCY} in flight.
Each claim names one ref of one rule. Run: \`${command()}\`.

| request | per second | ratio to trivial |
|---|---:|---:|
${row('`GET /` (trivial route: no auth, no storage)', 'trivial')}
${row('`GET …/claims/{id}` (token check + one account-object read)', 'read')}
${row('`POST …/claims`, a new `ref` each (commits in the account object, then writes KV)', 'distinct')}
${row('`POST …/claims` without a `ref` (commits; nothing cached)', 'unkeyed')}
${row('`POST …/claims`, retry of a known `ref` (answered at the edge: memory copy, else KV)', 'retry')}

Retries run at ${(rate.retry / rate.read).toFixed(2)}× the rate of the authenticated read: ` +
    `they cost about what the token check costs. New claims
are bound by the account object's durable write per claim; with a \`ref\` the Worker also writes KV after answering.
After the run the ref's usage is ${stats.usage}, exactly the ${committed} claims that committed: ` +
    `no retry reached the account object.
`,
);
