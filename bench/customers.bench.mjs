// Customers benchmark (issue 5): median latency of a prefix `search` over 100,000 customers of one
// account, beside the latency of reading one customer by customer_id in the same run (target: the
// search's median under 3× the read's). Seeding goes through the admin bulk import route.
//
//   node bench/customers.bench.mjs [--customers 100000] [--samples 300] [--quick] [--write]
import { command, flags, latencies, machine, median, percentile, report, startWorker } from './harness.mjs';

const opt = flags();
const CUSTOMERS = opt.num('customers', 100_000, 5_000);
const SAMPLES = opt.num('samples', 300, 50);
const BATCH = 1000;
const AID = 'T99000005';

const worker = await startWorker();
const { req, send } = worker;
const token = await worker.token(AID);
const users = `/v1/accounts/${AID}/customers/users`;

// ---- seed: deterministic, realistic-ish Norwegian names, emails and phones
const FIRST = [
  'Kari',
  'Ola',
  'Ingrid',
  'Lars',
  'Sofie',
  'Jonas',
  'Emma',
  'Henrik',
  'Nora',
  'Magnus',
  'Ida',
  'Sander',
  'Thea',
  'Elias',
  'Maja',
  'Oskar',
  'Sara',
  'Filip',
  'Hanna',
  'Mathias',
  'Julie',
  'Tobias',
  'Amalie',
  'Kristian',
  'Vilde',
  'Andreas',
  'Frida',
  'Martin',
  'Tiril',
  'Eirik',
];
const LAST = [
  'Hansen',
  'Johansen',
  'Olsen',
  'Larsen',
  'Andersen',
  'Pedersen',
  'Nilsen',
  'Kristiansen',
  'Jensen',
  'Karlsen',
  'Johnsen',
  'Pettersen',
  'Eriksen',
  'Berg',
  'Haugen',
  'Hagen',
  'Johannessen',
  'Andreassen',
  'Jacobsen',
  'Dahl',
  'Jørgensen',
  'Halvorsen',
  'Henriksen',
  'Lund',
  'Sørensen',
  'Jakobsen',
  'Moen',
  'Gundersen',
  'Iversen',
  'Strand',
];
// mulberry32: deterministic and even (a float LCG lost precision and left half the first names nearly unused).
let seed = 42;
const rand = (n) => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) % n;
};
const customer = (i) => {
  const first = FIRST[rand(FIRST.length)];
  const last = LAST[rand(LAST.length)];
  return {
    customer_id: `m-${String(i).padStart(6, '0')}`,
    first_name: first,
    last_name: last,
    email: `${first}.${last}.${i}@example.no`.toLowerCase().replace(/ø/g, 'o'),
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
      const customers = Array.from({ length: Math.min(BATCH, CUSTOMERS - b * BATCH) }, (_, k) =>
        customer(b * BATCH + k),
      );
      await req('POST', `${users}/import`, { token, body: { customers } });
    }
  }),
);
const seedSeconds = (performance.now() - seedStart) / 1000;
const total = (await send('GET', `${users}?total=true&limit=1`, { token })).headers['total-count'];
if (Number(total) !== CUSTOMERS) throw new Error(`expected ${CUSTOMERS} customers, found ${total}`);

// ---- measure: the four kinds interleaved, one request at a time
let matched = 0;
const anyone = () => `m-${String(rand(CUSTOMERS)).padStart(6, '0')}`;
const name = () => FIRST[rand(FIRST.length)].toLowerCase();
const search = (q) => req('GET', `${users}?search=${encodeURIComponent(q)}&limit=10`, { token });
const ms = await latencies(
  {
    byId: () => req('GET', `${users}/${anyone()}`, { token }),
    // A common prefix (~1/30 of customers match: thousands), as a till operator types a name.
    async common() {
      matched += (await search(name().slice(0, 3))).length;
    },
    // A selective prefix: first name and the start of a phone number.
    rare: () => search(`${name()} +47400`),
    // Worst case: a 5-letter prefix nobody has, whose first 4 letters thousands share (every candidate is checked).
    none: () => search(`${name().slice(0, 4)}qz`),
  },
  { samples: SAMPLES, warmup: 20 },
);
await worker.close();
if (matched < (SAMPLES + 20) * 10) throw new Error('common-prefix searches returned short pages');

const row = (what, xs) => `| ${what} | ${median(xs).toFixed(2)} | ${percentile(xs, 95).toFixed(2)} |`;
const ratio = median(ms.common) / median(ms.byId);
report(
  'Customers',
  `
Machine: ${machine()}.
${CUSTOMERS.toLocaleString('en')} customers in one account, seeded through ` +
    `\`POST /customers/users/import\` in batches of ${BATCH}
(${seedSeconds.toFixed(1)} s). ${SAMPLES} samples of each kind, interleaved, one request at a time. ` +
    `Run: \`${command()}\`.

| request | median ms | p95 ms |
|---|---:|---:|
${row('`GET /users/{customer_id}`', ms.byId)}
${row('`GET /users?search=<3-letter name prefix>&limit=10`', ms.common)}
${row('`GET /users?search=<first name> +47400&limit=10`', ms.rare)}
${row('`GET /users?search=<4-letter name prefix>qz&limit=10` (no match)', ms.none)}

Common-prefix search / read by id (medians): **${ratio.toFixed(2)}×**, ` +
    `target < 3×: ${ratio < 3 ? 'met' : '**target missed**'}.
A search that fills its page stops after \`limit\` rows; the no-match search checks every customer whose word shares its
indexed 4-letter prefix (about 1 in 30 here, ~${Math.round(CUSTOMERS / 30).toLocaleString('en')}), ` +
    `so it grows with the account and is the case to watch.
`,
);
