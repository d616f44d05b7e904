import { describe, expect, it } from 'vitest';
import { open, seal } from '../../shared/auth/secret-box';
import { prepareSession } from '../../shared/checkout/dintero';
import { dinteroSessionSchema } from '../../shared/schemas/checkout';
import { errorAnswer } from '../../functions/errors';
import * as v from 'valibot';

const statusOf = async (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e) => errorAnswer(e)?.status,
  );

describe('sealed secrets', () => {
  it('round-trip, differ per seal, and need the same SECRETS_KEY', async () => {
    const a = await seal('key-1', 'checkout-signature', 'merchant-secret-123');
    const b = await seal('key-1', 'checkout-signature', 'merchant-secret-123');
    expect(a).not.toBe(b);
    expect(a).not.toContain('merchant-secret');
    expect(await open('key-1', 'checkout-signature', a)).toBe('merchant-secret-123');
    expect(await statusOf(open('key-2', 'checkout-signature', a))).toBe(503);
    expect(await statusOf(open('key-1', 'another-purpose', a))).toBe(503);
    expect(await statusOf(seal(undefined, 'checkout-signature', 'x'))).toBe(503);
  });
});

describe('session → receipt', () => {
  const session = v.parse(dinteroSessionSchema, {
    id: 'P00000001.s',
    order: {
      currency: 'NOK',
      discount_codes: ['A', 'A', 'B'],
      items: [
        // Already carries a merchant discount (m-1) and one of ours (rule-1) from an earlier call.
        {
          id: 'x',
          line_id: 'x1',
          amount: 7000,
          vat: 25,
          discount_lines: [
            { amount: 1000, discount_id: 'm-1' },
            { amount: 2000, discount_id: 'rule-1' },
          ],
        },
        { id: 'y', line_id: 'y1', amount: 5000, vat_amount: 1000, quantity: 2, eligible_for_discount: false },
      ],
    },
    customer: { customer_id: 'c-1' },
  });

  it('numbers lines, restores amounts before our earlier lines, keeps the merchant lines', () => {
    const { receipt, items } = prepareSession(session, '2026-06-01T12:00:00.000Z', (l) => l.discount_id === 'rule-1');
    expect(receipt).toMatchObject({
      receipt_id: 'P00000001.s',
      customer_id: 'c-1',
      currency: 'NOK',
      store: { id: 'dintero-checkout' },
      discount_code: ['A', 'B'],
    });
    expect(receipt.items).toEqual([
      {
        id: 'x',
        quantity: 1,
        line_id: 1,
        gross_amount: 10000,
        net_amount: 8000,
        discount_lines: [{ amount: 1000, discount_id: 'm-1', line_id: 1 }],
      },
      {
        id: 'y',
        quantity: 2,
        line_id: 2,
        gross_amount: 5000,
        net_amount: 4000,
        eligible_for_discount: false,
        discount_lines: [],
      },
    ]);
    expect(receipt.gross_amount).toBe(15000);
    expect(items.map((i) => i.amount)).toEqual([9000, 5000]);
  });
});
