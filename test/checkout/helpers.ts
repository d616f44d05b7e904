import { expect } from 'vitest';
import { signatureHeader } from '../../shared/auth/signature';
import { BASE, call, json, ruleBody, tokenWith } from '../helpers';

/** One merchant account set up for checkout tests: admin token, rules, a signature secret. */
export async function merchant(aid: string) {
  const token = await tokenWith(undefined, aid);
  const base = `/v1/accounts/${aid}`;
  const rule = async (
    name: string,
    reward: Record<string, unknown>,
    requirement: Record<string, unknown> = {},
    customers = ['*'],
    extra: Record<string, unknown> = {},
  ) => {
    const body = ruleBody({ name, receipt_text: name, reward, ...extra });
    const created = await json(
      call('POST', `${base}/discounts/rules`, {
        token,
        body: { ...body, requirement: { ...body.requirement, ...requirement } },
      }),
    );
    expect(created.status).toBe(200);
    const given = await call('POST', `${base}/discounts/rules/${created.body.id}/customers`, {
      token,
      body: { customers },
    });
    expect(given.status).toBe(200);
    return created.body.id as string;
  };
  const setSecret = async (secret: string) => {
    const res = await json(call('PUT', `${base}/checkout/signature`, { token, body: { secret } }));
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Calls a checkout endpoint as Dintero would: signed with `secret` unless `secret` is null. */
  let calls = 0;
  const dintero = async (
    method: string,
    path: string,
    opts: { secret?: string | null; body?: unknown; at?: number; signAs?: string; tamper?: (url: URL) => void } = {},
  ) => {
    const url = new URL(`${BASE + base}/checkout${path}`);
    // Each POST gets a URL (so a signature) of its own: a test that reuses one session within a second
    // must not meet the one-body-per-signature-and-session rule by accident (docs/security.md).
    if (method === 'POST') url.searchParams.set('call', String(++calls));
    const headers: Record<string, string> = {};
    if (opts.secret) {
      headers['dintero-signature'] = await signatureHeader(
        opts.secret,
        opts.signAs ?? aid,
        method,
        url,
        opts.at ?? Date.now() / 1000,
      );
    }
    opts.tamper?.(url);
    return json(call(method, url.pathname + url.search, { body: opts.body, headers }));
  };
  const statistics = async (ruleId: string) =>
    (await json(call('GET', `${base}/discounts/rules/${ruleId}?include=statistics`, { token }))).body.statistics;
  const claimsByRef = async (ref: string) =>
    (
      await json(
        call('GET', `${base}/discounts/available_for_receipt/claims?ref=${encodeURIComponent(ref)}`, { token }),
      )
    ).body;
  const events = async (query = '') => json(call('GET', `${base}/checkout/events${query}`, { token }));
  return { token, base, rule, setSecret, dintero, statistics, claimsByRef, events };
}

/** A Dintero session as the express discount-code callback sends it. */
export function session(
  id: string,
  overrides: { items?: unknown[]; discount_codes?: string[]; customer_id?: string } = {},
) {
  const items = overrides.items ?? [
    {
      id: 'chair',
      line_id: 'l-chair',
      description: 'Garden chair',
      quantity: 2,
      amount: 40000,
      vat_amount: 8000,
      vat: 25,
      groups: [{ id: 'garden' }],
    },
    {
      id: 'table',
      line_id: 'l-table',
      description: 'Garden table',
      quantity: 1,
      amount: 60000,
      vat_amount: 12000,
      vat: 25,
      eligible_for_discount: true,
    },
    {
      id: 'gift-card',
      line_id: 'l-gift',
      description: 'Gift card',
      quantity: 1,
      amount: 20000,
      vat_amount: 0,
      vat: 0,
      eligible_for_discount: false,
    },
  ];
  return {
    id,
    order: {
      amount: (items as { amount: number }[]).reduce((s, i) => s + i.amount, 0),
      currency: 'NOK',
      merchant_reference: 'order-1',
      items,
      discount_codes: overrides.discount_codes ?? [],
    },
    customer: { customer_id: overrides.customer_id ?? 'c-anna', email: 'anna@example.com' },
    express: { shipping_options: [{ id: 'mail', line_id: 'mail', amount: 9900, title: 'Posten', operator: 'Bring' }] },
    url: { return_url: 'https://shop.example.com/return' },
  };
}
