// Validation benchmark (issue 22): median µs to validate a 50-line receipt with the route's own
// valibot schema (`parse(receiptSchema, …)` plus the depth check `jsonBody` runs first), against a
// baseline in the same run: `JSON.parse` of the same body, which every request pays anyway.
//
//   npm run bench -- validation [--seconds 3] [--quick] [--write]   (bundles it for Node first)

import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../shared/json';
import { parse } from '../shared/schemas/parse';
import { receiptSchema } from '../shared/schemas/receipt';
import { command, flags, machine, median, report } from './harness.mjs';
import { round } from './timing';

const opt = flags();
const SECONDS = opt.num('seconds', 3, 0.6);
const ROUNDS = 3;
const LINES = 50;

// A POS-shaped 50-line receipt: groups, amounts, a discount line on some, loose fields kept.
const body = JSON.stringify({
  receipt_id: 'bench-validation',
  purchase_at: '2024-06-03T12:00:00Z',
  store: { id: 'web', mcc: '5411', name: 'Web shop' },
  customer: { customer_id: 'c-1', token: { token_id: 't-1', value: 'abc', type: 'loyalty' } },
  currency: 'NOK',
  gross_amount: 1_000_000,
  net_amount: 800_000,
  discount_code: ['SUMMER'],
  items: Array.from({ length: LINES }, (_, i) => ({
    id: `SKU-${i}`,
    line_id: i + 1,
    description: `Item ${i}`,
    quantity: 1 + (i % 3),
    unit_gross_price: 1500 + 13 * i,
    gross_amount: (1 + (i % 3)) * (1500 + 13 * i),
    net_amount: (1 + (i % 3)) * (1200 + 10 * i),
    vat: 25,
    eligible_for_discount: true,
    groups: [
      { id: `G-${i % 7}`, name: 'Group' },
      { id: 'ALL', name: 'All' },
    ],
    ...(i % 5 === 0
      ? { discount_lines: [{ amount: 100, discount_id: 'd-1', discount_type: 'manual', line_id: 1 }] }
      : {}),
  })),
});

// Each call validates a freshly parsed copy, as the Worker does; the parse itself is the baseline.
const copies = Array.from({ length: 64 }, () => JSON.parse(body));
let k = 0;
const kinds = {
  'JSON.parse of the body (baseline)': () => JSON.parse(body),
  'validation (depth check + receiptSchema)': () => {
    const value = copies[k++ & 63];
    if (jsonDepthExceeds(value, MAX_JSON_DEPTH)) throw new Error('depth');
    return parse(receiptSchema, value);
  },
};
const samples = new Map<string, number[][]>(Object.keys(kinds).map((n) => [n, []]));
for (let r = 0; r < ROUNDS; r++)
  for (const [n, run] of Object.entries(kinds)) samples.get(n)?.push(round(run, (SECONDS * 1000) / ROUNDS));
const best = (n: string) => Math.round(Math.min(...(samples.get(n) ?? [[0]]).map(median)) * 10) / 10;
const base = best('JSON.parse of the body (baseline)');
const mine = best('validation (depth check + receiptSchema)');
const TARGET = 100;
const verdict = mine <= TARGET ? 'met' : '**target missed**';
report(
  'Validation',
  `
Machine: ${machine()}.
A ${LINES}-line receipt (${body.length.toLocaleString('en')} bytes of JSON: groups, amounts, a discount line on every
fifth line, loose POS fields) validated as \`jsonBody\` does it: the depth check, then \`parse(receiptSchema, …)\`
(the same valibot schema that feeds the OpenAPI document). In Node (V8, as in the Worker), median µs per call, best of
${ROUNDS} interleaved rounds. Run: \`${command()}\`.

| what | median µs | ratio to baseline |
|---|---:|---:|
| \`JSON.parse\` of the same body (baseline) | ${base} | 1.00 |
| validation (depth check + \`receiptSchema\`) | ${mine} | ${(mine / base).toFixed(2)} |

Validation of a ${LINES}-line receipt: ${mine} µs, target ≤ ${TARGET} µs: ${verdict}.
`,
);
console.log(JSON.stringify({ bench: 'validation', baseline_us: base, validation_us: mine }));
