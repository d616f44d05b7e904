// Code pools benchmark (issue 23): available_for_receipt with a code looked up in a pool of
// 1,000,000 codes, against a plain evaluation (a receipt without codes, a rule without a pool) in
// the same account, through HTTP. The pool lookup must cost at most 20% (ratio ≤ 1.2).
//
//   node bench/codes.bench.mjs [--pool 1000000] [--requests 2000] [--concurrency 8] [--quick] [--write]
import { command, flags, machine, median, report, startWorker, throughputRounds } from './harness.mjs';

const opt = flags();
const POOL = opt.num('pool', 1_000_000, 20_000);
const REQUESTS = opt.num('requests', 2000, 300);
const CONCURRENCY = opt.num('concurrency', 8);
const ROUNDS = 3;
const AID = 'T99000023';
const PER_CALL = 1000;

const worker = await startWorker();
const { req } = worker;
const token = await worker.token(AID);
const discounts = `/v1/accounts/${AID}/discounts`;
const window = { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' };

// ---- setup: a plain rule on item A and a pool rule on item B, both for anonymous purchases
const rule = async (name, item) => {
  const created = await req('POST', `${discounts}/rules`, {
    token,
    body: {
      name,
      requirement: { ...window, item: { items: [{ id: item }] } },
      reward: { type: 'discount_percent', value: 10 },
    },
  });
  await req('POST', `${discounts}/rules/${created.id}/customers`, { token, body: { customers: ['/'] } });
  return created.id;
};
const plainRule = await rule('Bench plain 10%', 'A');
const poolRule = await rule('Bench pool 10%', 'B');
const started = Date.now();
const sample = [];
for (let n = 0; n < POOL; n += PER_CALL) {
  const count = Math.min(PER_CALL, POOL - n);
  const answer = await req('POST', `${discounts}/rules/${poolRule}/codes`, {
    token,
    body: { count, prefix: 'B-', usage: 1_000_000 },
  });
  if (answer.created !== count) throw new Error(`created ${answer.created} of ${count}`);
  if (n % 100_000 === 0) sample.push(answer.codes[0]);
}
const fillSeconds = (Date.now() - started) / 1000;

const receipt = (item, codes) => ({
  receipt_id: 'bench',
  purchase_at: '2024-05-01T12:00:00Z',
  store: { id: 'bench-store' },
  items: [{ id: item, line_id: 1, quantity: 1, gross_amount: 10000 }],
  ...(codes && { discount_code: codes }),
});
const evaluate = `${discounts}/available_for_receipt`;
let i = 0;
const kinds = {
  plain: async () => {
    const answer = await req('POST', evaluate, { token, body: receipt('A') });
    if (answer.discounts?.[0]?.id !== plainRule) throw new Error('the plain rule did not apply');
  },
  code: async () => {
    const code = sample[i++ % sample.length];
    const answer = await req('POST', evaluate, { token, body: receipt('B', [code]) });
    if (answer.discounts?.[0]?.code !== code) throw new Error('the pool code did not apply');
  },
};

await throughputRounds(kinds, { rounds: 1, requests: 200, concurrency: CONCURRENCY });
const per = Math.ceil(REQUESTS / ROUNDS);
const rounds = await throughputRounds(kinds, { rounds: ROUNDS, requests: per, concurrency: CONCURRENCY });
await worker.close();

const rate = Object.fromEntries(Object.entries(rounds).map(([k, v]) => [k, median(v)]));
// Cost ratio: how much longer a request with a pool lookup takes than a plain one (rate plain / rate code).
const ratio = median(rounds.plain.map((p, r) => p / rounds.code[r]));
report(
  'Code pools',
  `
Machine: ${machine()}.
A pool of ${POOL.toLocaleString('en')} generated codes (filled through HTTP, ${PER_CALL} per call, in ` +
    `${fillSeconds.toFixed(0)} s), ${per} requests per round, ${ROUNDS} alternating rounds after a warm-up round ` +
    `(median round shown), ${CONCURRENCY} in flight. Run: \`${command()}\`.

| request | per second |
|---|---:|
| \`POST …/available_for_receipt\`, no code, a plain rule applies | ${rate.plain.toFixed(0)} |
| \`POST …/available_for_receipt\`, one code looked up in the pool, the pool rule applies | ${rate.code.toFixed(0)} |

Cost of a code lookup relative to a plain evaluation: **${ratio.toFixed(2)}** (target ≤ 1.2; median of per-round ` +
    `ratios). The lookup is one indexed read (\`pool_codes_by_code\`) per code of the receipt.
`,
);
if (ratio > 1.2) {
  console.error(`ratio ${ratio.toFixed(2)} is above 1.2`);
  process.exit(1);
}
