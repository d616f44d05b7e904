import { Hono, type TypedResponse } from 'hono';
import { storeOf, type AppEnv } from '../app-env';
import { scopes, type Scope } from '../../shared/auth/scopes';
import { ok } from '../openapi';
import { operation } from '../operation';
import { exampleEvaluatedReceipt, exampleExplanations, exampleReceipt } from '../../shared/schemas/examples';
import { receiptQuerySchema, receiptSchema } from '../../shared/schemas/receipt';
import { evaluatedReceiptSchema } from '../../shared/schemas/receipt-result';
import type { ResultReceipt } from '../../shared/engine';
import { jsonBody, queryOf } from '../validate';
import { codeGuessBlocked, countCodeMisses } from '../rate-limit';

/** Evaluating changes nothing, so read scopes grant it as well as the path-scoped ones. */
const EVALUATE: Scope[] = [
  'admin:discounts',
  'read:discounts',
  'write:discounts',
  'read:discounts:/available_for_receipt',
  'write:discounts:/available_for_receipt',
];

const READ_RULES = scopes.read('discounts');

export const available = new Hono<AppEnv>().post(
  '/',
  operation({
    tags: ['Receipts'],
    summary: 'Discounts a receipt qualifies for',
    description:
      'Evaluates the receipt against the refs the customer holds (their own and `*`; `/` without a customer) and ' +
      'returns it with `discount_lines`, `bonus_lines`, `is_changed` and `discounts[]`. Changes nothing: send the ' +
      '`discounts[].refs` to claims to use them. With `explain=true` the answer adds `explanations[]`: for every ' +
      "rule the receipt could reach, and every rule id listed in the body's `explain_rules`, whether it applied " +
      'and if not the first check it failed (`reason`, `field`, `needed`, `had`; closed list in docs/explain.md; ' +
      '`needed` and `had` only for callers with `read:discounts` or `admin:discounts`). ' +
      'Without `explain` the answer is unchanged and `explain_rules` is ignored. A rule with a code pool applies ' +
      'only when `discount_code` names one of its codes with a use left; its `discounts[]` entry says which ' +
      '(`code`). Codes that match nothing count against 20 misses a minute per account and address (429 with ' +
      'Retry-After, then for every receipt naming codes until the minute is over).',
    scopes: EVALUATE,
    requestExample: exampleReceipt,
    errors: [429],
    responses: {
      200: ok(evaluatedReceiptSchema, 'The receipt with its discounts (`explanations` only with explain=true)', {
        ...exampleEvaluatedReceipt,
        explanations: exampleExplanations,
      }),
    },
  }),
  queryOf(receiptQuerySchema),
  jsonBody(receiptSchema),
  async (c) => {
    const explain = c.req.valid('query').explain === true;
    // A rule's private values (required names, dates of birth, store e-mails) only for callers that may read rules.
    const values = c.get('caller').scopes.some((s) => READ_RULES.includes(s));
    const now = new Date().toISOString();
    const receipt = c.req.valid('json');
    // Sent as text on purpose: one string crosses RPC cheaper than a structured clone of a big receipt
    // (bench/RESULTS.md, "Hot paths"); the object parses it once.
    let text: string;
    if (receipt.discount_code?.length) {
      // Codes can be guessed: a blocked caller learns nothing, and misses count (docs/codes.md).
      const blocked = codeGuessBlocked(c);
      if (blocked) return blocked as unknown as TypedResponse<ResultReceipt, 200, 'json'>;
      const answer = await storeOf(c).evaluateReceiptCodes(JSON.stringify(receipt), now, explain, values);
      const limited = await countCodeMisses(c, answer.misses);
      if (limited) return limited as unknown as TypedResponse<ResultReceipt, 200, 'json'>;
      text = answer.text;
    } else text = await storeOf(c).evaluateReceiptJson(JSON.stringify(receipt), now, explain, values);
    // The object renders the answer; typed as what it is for `hono/client` users.
    return c.body(text, 200, { 'content-type': 'application/json' }) as unknown as TypedResponse<
      ResultReceipt,
      200,
      'json'
    >;
  },
);
