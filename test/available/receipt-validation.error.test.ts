import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/errors';
import { parse } from '../../shared/schemas/parse';
import { receiptSchema } from '../../shared/schemas/receipt';
import expected from './receipt-validation.expected.json';

/**
 * Issue 22: the receipt's validation got faster without changing what it says. Each representative
 * bad receipt gets the same field errors (field, code, message, order) as before the optimisation,
 * recorded in receipt-validation.expected.json; each good one the same output, key order included.
 */
// Representative bad receipts: every field kind of the schema, on the receipt, a line, a group, a discount line.
const line = (extra: Record<string, unknown> = {}) => ({
  id: 'A',
  line_id: 1,
  quantity: 1,
  gross_amount: 100,
  ...extra,
});
const ok = { receipt_id: 'r', purchase_at: '2024-06-03T12:00:00Z', store: { id: 's' }, items: [line()] };
const withLine = (extra: Record<string, unknown>) => ({ ...ok, items: [line(), line({ line_id: 2, ...extra })] });
const CASES: [string, unknown][] = [
  ['missing receipt_id, store', { purchase_at: ok.purchase_at }],
  ['empty receipt_id', { ...ok, receipt_id: '' }],
  ['long receipt_id', { ...ok, receipt_id: 'x'.repeat(256) }],
  ['receipt_id number', { ...ok, receipt_id: 5 }],
  ['bad date', { ...ok, purchase_at: '2024-02-30T12:00:00Z' }],
  ['date offset without minutes', { ...ok, purchase_at: '2024-06-03T12:00:00+01' }],
  ['date not a string', { ...ok, purchase_at: 20240603 }],
  ['store id empty, mcc bad', { ...ok, store: { id: '', mcc: '12a' } }],
  ['mcc float', { ...ok, store: { id: 's', mcc: 1.5 } }],
  ['currency lower case', { ...ok, currency: 'nok' }],
  ['currency four letters', { ...ok, currency: 'NOKK' }],
  ['gross_amount float', { ...ok, gross_amount: 1.5 }],
  ['net_amount too large', { ...ok, net_amount: 1e12 + 1 }],
  ['net_amount too small', { ...ok, net_amount: -1e12 - 1 }],
  ['gross_amount string', { ...ok, gross_amount: '100' }],
  ['items not an array', { ...ok, items: {} }],
  ['too many items', { ...ok, items: Array.from({ length: 1001 }, (_, i) => line({ line_id: i + 1 })) }],
  ['duplicate line_id', { ...ok, items: [line(), line()] }],
  ['line_id zero', withLine({ line_id: 0 })],
  ['line_id float', withLine({ line_id: 2.5 })],
  ['line id long', withLine({ id: 'y'.repeat(256) })],
  ['line id number', withLine({ id: 7 })],
  ['quantity zero', withLine({ quantity: 0 })],
  ['quantity tiny', withLine({ quantity: 0.0004 })],
  ['quantity four decimals', withLine({ quantity: 1.0001 })],
  ['quantity too large', withLine({ quantity: 1_000_001 })],
  ['quantity too small', withLine({ quantity: -1_000_001 })],
  ['quantity string', withLine({ quantity: '1' })],
  ['line amounts', withLine({ gross_amount: 1.5, net_amount: 'x', unit_gross_price: 2e12 })],
  ['eligible not boolean', withLine({ eligible_for_discount: 'yes' })],
  ['group without id', withLine({ groups: [{ name: 'n' }] })],
  ['group id long, name long', withLine({ groups: [{ id: 'g'.repeat(256), name: 'n'.repeat(1001) }] })],
  ['groups not array', withLine({ groups: 'G' })],
  ['discount line', withLine({ discount_lines: [{ amount: 1.5, percentage: 101, line_id: 0.5, description: 5 }] })],
  [
    'discount line negative percentage',
    withLine({ discount_lines: [{ percentage: -1, discount_type: 'x'.repeat(256) }] }),
  ],
  ['bonus line', withLine({ bonus_lines: [{ bonus: 'x', discount_id: 3 }] })],
  ['discount_lines not array', withLine({ discount_lines: {} })],
  ['customer', { ...ok, customer: { customer_id: 5, token: { token_id: 1, value: 'v'.repeat(1001), type: [] } } }],
  ['customer_id empty', { ...ok, customer_id: '' }],
  ['discount_code', { ...ok, discount_code: ['', 'x'.repeat(256), 5] }],
  ['discount_code string', { ...ok, discount_code: 'X' }],
  ['explain_rules', { ...ok, explain_rules: Array.from({ length: 101 }, () => 'r') }],
  ['explain_rules entries', { ...ok, explain_rules: ['', 3] }],
  ['odd keys', { ...ok, items: [{ ...line(), 'bad key!': 1, quantity: 'q' }], ['\u0000']: 1 }],
  [
    'several lines, several errors',
    { ...ok, items: [line({ quantity: 0 }), line({ line_id: 2, gross_amount: 0.5 }), line({ line_id: 3, id: 3 })] },
  ],
];
const GOOD: [string, unknown][] = [
  ['minimal', ok],
  [
    'offset date, loose fields, all line fields',
    {
      ...ok,
      purchase_at: '2024-06-03T14:00:00+02:00',
      pos: { x: 1 },
      currency: 'NOK',
      store: { id: 's', mcc: '5411' },
      items: [
        line({
          quantity: -1.5,
          groups: [{ id: 'G', name: 'g', extra: 1 }],
          eligible_for_discount: false,
          discount_lines: [{ amount: -5, percentage: 100, line_id: 3 }],
          bonus_lines: [{ bonus: 0 }],
          vat: 25,
        }),
      ],
      customer: { customer_id: 'c', token: { token_id: 't', value: 'v', type: 'x' } },
      discount_code: ['A'],
      explain_rules: ['r1'],
    },
  ],
];

function outcome(body: unknown): unknown {
  try {
    return { ok: parse(receiptSchema, body) };
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return e.errors;
  }
}

describe('receipt validation errors are unchanged', () => {
  const recorded = expected as Record<string, unknown>;
  it('covers every recorded case, and only those', () => {
    expect([...CASES, ...GOOD].map(([name]) => name)).toEqual(Object.keys(recorded));
  });
  it.each(CASES)('%s', (name, body) => {
    const got = outcome(body);
    expect(got).not.toHaveProperty('ok');
    expect(JSON.stringify(got)).toBe(JSON.stringify(recorded[name]));
  });
  it.each(GOOD)('%s passes with the same output', (name, body) => {
    expect(JSON.stringify(outcome(body))).toBe(JSON.stringify(recorded[name]));
  });
});
