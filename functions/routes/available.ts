import { Hono } from 'hono';
import { storeOf, type AppEnv } from '../app-env';
import type { Scope } from '../../shared/auth/scopes';
import { ok } from '../openapi';
import { operation } from '../operation';
import { exampleEvaluatedReceipt, exampleReceipt } from '../../shared/schemas/examples';
import { receiptSchema } from '../../shared/schemas/receipt';
import { evaluatedReceiptSchema } from '../../shared/schemas/receipt-result';
import { jsonBody } from '../validate';

/** Evaluating changes nothing, so read scopes grant it as well as the path-scoped ones. */
const EVALUATE: Scope[] = [
  'admin:discounts',
  'read:discounts',
  'write:discounts',
  'read:discounts:/available_for_receipt',
  'write:discounts:/available_for_receipt',
];

export const available = new Hono<AppEnv>().post(
  '/',
  operation({
    tags: ['Receipts'],
    summary: 'Discounts a receipt qualifies for',
    description:
      'Evaluates the receipt against the refs the customer holds (their own and `*`; `/` without a customer) and ' +
      'returns it with `discount_lines`, `bonus_lines`, `is_changed` and `discounts[]`. Changes nothing: send the ' +
      '`discounts[].refs` to claims to use them.',
    scopes: EVALUATE,
    requestExample: exampleReceipt,
    responses: { 200: ok(evaluatedReceiptSchema, 'The receipt with its discounts', exampleEvaluatedReceipt) },
  }),
  jsonBody(receiptSchema),
  async (c) => {
    const { receipt } = await storeOf(c).evaluateReceipt(c.req.valid('json'), new Date().toISOString());
    return c.json(receipt);
  },
);
