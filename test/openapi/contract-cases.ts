/**
 * One representative call per documented operation, checked by contract.test.ts against the
 * answer documented for the status it gets. Add an entry when you add a route: the key is
 * `METHOD /path` exactly as in /openapi.json; the value makes the call (or several: e.g. a success
 * and an error) for a fresh account `t.aid` with a token `t.token` holding every scope.
 * At least one call per operation must succeed (2xx).
 */
import { env } from 'cloudflare:workers';
import { BASE, call, ruleBody } from '../helpers';
import { signatureHeader } from '../../shared/auth/signature';
import type { Case, CaseContext } from './case';
import { automationCases } from './contract-cases-automations';
import { codeCases } from './contract-cases-codes';
import { customerApiCases } from './contract-cases-customers';

const basic = (id: string, secret: string) => ({ authorization: `Basic ${btoa(`${id}:${secret}`)}` });

export const cases: Record<string, Case> = {
  'POST /v1/accounts/{aid}/auth/token': async (t) => [
    await call('POST', `${t.base}/auth/token`, {
      headers: basic(env.BOOTSTRAP_CLIENT_ID!, env.BOOTSTRAP_CLIENT_SECRET!),
      body: { grant_type: 'client_credentials', audience: `${BASE}${t.base}` },
    }),
    await call('POST', `${t.base}/auth/token`, {
      headers: basic('nobody', 'wrong'),
      body: { grant_type: 'client_credentials', audience: `${BASE}${t.base}` },
    }),
  ],
  'POST /v1/accounts/{aid}/auth/clients': async (t) => [
    await call('POST', `${t.base}/auth/clients`, { token: t.token, body: { name: 'POS', scopes: ['read:discounts'] } }),
    await call('POST', `${t.base}/auth/clients`, {
      token: t.token,
      body: 'name=POS',
      headers: { 'content-type': 'text/plain' },
    }),
  ],
  'GET /v1/accounts/{aid}/auth/clients': async (t) => {
    await call('POST', `${t.base}/auth/clients`, { token: t.token, body: { name: 'POS', scopes: ['read:discounts'] } });
    return [
      await call('GET', `${t.base}/auth/clients`, { token: t.token }),
      await call('GET', `${t.base}/auth/clients`),
    ];
  },
  'DELETE /v1/accounts/{aid}/auth/clients/{client_id}': async (t) => {
    const created = await call('POST', `${t.base}/auth/clients`, {
      token: t.token,
      body: { name: 'POS', scopes: ['read:discounts'] },
    });
    const { client_id } = (await created.json()) as { client_id: string };
    return [
      await call('DELETE', `${t.base}/auth/clients/${client_id}`, { token: t.token }),
      await call('DELETE', `${t.base}/auth/clients/${'x'.repeat(300)}`, { token: t.token }),
    ];
  },
  'GET /v1/accounts/{aid}/discounts/rules': async (t) => {
    await t.rule();
    return [
      await call('GET', `${t.base}/discounts/rules?include=statistics&total=true&state=available`, { token: t.token }),
      await call('GET', `${t.base}/discounts/rules?limit=0`, { token: t.token }),
    ];
  },
  'POST /v1/accounts/{aid}/discounts/rules': async (t) => [
    await call('POST', `${t.base}/discounts/rules`, {
      token: t.token,
      body: ruleBody({
        campaign_id: 'V101',
        links: [{ href: 'https://example.com/a.png', rel: 'thumbnail_discount_image' }],
      }),
    }),
    await call('POST', `${t.base}/discounts/rules`, {
      token: t.token,
      body: ruleBody({ reward: { type: 'discount_amount', value: 1.5 } }),
    }),
  ],
  'GET /v1/accounts/{aid}/discounts/rules/{did}': async (t) => {
    const { id } = await t.rule();
    return [
      await call('GET', `${t.base}/discounts/rules/${id}?include=statistics`, { token: t.token }),
      await call('GET', `${t.base}/discounts/rules/${crypto.randomUUID()}`, { token: t.token }),
    ];
  },
  'PUT /v1/accounts/{aid}/discounts/rules/{did}': async (t) => {
    const { id } = await t.rule({ campaign_id: 'V101' });
    return call('PUT', `${t.base}/discounts/rules/${id}`, {
      token: t.token,
      body: { name: 'Spar 150,-', campaign_id: null },
    });
  },
  'DELETE /v1/accounts/{aid}/discounts/rules/{did}': async (t) => {
    const { id } = await t.rule();
    return [
      await call('DELETE', `${t.base}/discounts/rules/${id}`, { token: t.token }),
      await call('DELETE', `${t.base}/discounts/rules/${id}`, { token: await readOnlyToken(t) }),
    ];
  },
  // Customers (test/customers/*.test.ts holds the behaviour; these check the documented shapes).
  'GET /v1/accounts/{aid}/customers/users': async (t) => {
    await call('POST', `${t.base}/customers/users`, {
      token: t.token,
      body: { customer_id: 'c-list', email: 'list@example.com' },
    });
    return [
      await call('GET', `${t.base}/customers/users?search=list&total=true`, { token: t.token }),
      await call('GET', `${t.base}/customers/users?limit=0`, { token: t.token }),
    ];
  },
  'POST /v1/accounts/{aid}/customers/users': async (t) => [
    await call('POST', `${t.base}/customers/users`, {
      token: t.token,
      body: {
        customer_id: 'c-new',
        email: 'new@example.com',
        phone_number: '+4799999999',
        first_name: 'Kari',
        addresses: [{ country: 'NO' }],
        metadata: { a: 1 },
      },
    }),
    await call('POST', `${t.base}/customers/users`, { token: t.token, body: { customer_id: 'c-new' } }),
    await call('POST', `${t.base}/customers/users`, { token: t.token, body: { phone_number: '123' } }),
  ],
  'POST /v1/accounts/{aid}/customers/users/import': async (t) => [
    await call('POST', `${t.base}/customers/users/import`, {
      token: t.token,
      body: { customers: [{ customer_id: 'c-imp' }, {}] },
    }),
    await call('POST', `${t.base}/customers/users/import`, { token: t.token, body: { customers: [{ email: 'x' }] } }),
  ],
  'GET /v1/accounts/{aid}/customers/users/{customer_id}': async (t) => {
    await call('POST', `${t.base}/customers/users`, { token: t.token, body: { customer_id: 'c-get' } });
    return [
      await call('GET', `${t.base}/customers/users/c-get`, { token: t.token }),
      await call('GET', `${t.base}/customers/users/nobody`, { token: t.token }),
    ];
  },
  'PUT /v1/accounts/{aid}/customers/users/{customer_id}': async (t) => {
    await call('POST', `${t.base}/customers/users`, {
      token: t.token,
      body: { customer_id: 'c-put', metadata: { a: 1 } },
    });
    return [
      await call('PUT', `${t.base}/customers/users/c-put`, {
        token: t.token,
        body: { first_name: 'Ola', metadata: { a: null } },
      }),
      await call('PUT', `${t.base}/customers/users/c-put`, { token: t.token, body: { type: 'company' } }),
    ];
  },
  'DELETE /v1/accounts/{aid}/customers/users/{customer_id}': async (t) => {
    await call('POST', `${t.base}/customers/users`, {
      token: t.token,
      body: { customer_id: 'c-del', email: 'del@example.com' },
    });
    return [
      await call('DELETE', `${t.base}/customers/users/c-del`, { token: t.token }),
      await call('DELETE', `${t.base}/customers/users/nobody`, { token: t.token }),
    ];
  },
  'PUT /v1/accounts/{aid}/customers/users/{customer_id}/tags': async (t) => {
    await call('POST', `${t.base}/customers/users`, { token: t.token, body: { customer_id: 'c-tags' } });
    return [
      await call('PUT', `${t.base}/customers/users/c-tags/tags`, { token: t.token, body: { tag_ids: ['vip'] } }),
      await call('PUT', `${t.base}/customers/users/c-tags/tags`, { token: t.token, body: { tag_ids: 'vip' } }),
    ];
  },
  'POST /v1/accounts/{aid}/discounts/events': async (t) => {
    await call('POST', `${t.base}/customers/users`, { token: t.token, body: { customer_id: 'c-tok' } });
    const token = { type: 'card', value: '4000-1', customer_id: 'c-tok' };
    return [
      await call('POST', `${t.base}/discounts/events`, {
        token: t.token,
        headers: { event: 'token_add' },
        body: { token },
      }),
      await call('POST', `${t.base}/discounts/events`, {
        token: t.token,
        headers: { event: 'token_remove' },
        body: { token },
      }),
      await call('POST', `${t.base}/discounts/events`, { token: t.token, headers: { event: 'nope' }, body: { token } }),
    ];
  },
  'GET /v1/accounts/{aid}/checkout/signature': async (t) =>
    call('GET', `${t.base}/checkout/signature`, { token: t.token }),
  'PUT /v1/accounts/{aid}/checkout/signature': async (t) => [
    await call('PUT', `${t.base}/checkout/signature`, { token: t.token, body: { secret: CHECKOUT_SECRET } }),
    await call('PUT', `${t.base}/checkout/signature`, { token: t.token, body: { secret: 'short' } }),
  ],
  'DELETE /v1/accounts/{aid}/checkout/signature': async (t) =>
    call('DELETE', `${t.base}/checkout/signature`, { token: t.token }),
  'POST /v1/accounts/{aid}/checkout/discount_codes': async (t) => {
    await call('PUT', `${t.base}/checkout/signature`, { token: t.token, body: { secret: CHECKOUT_SECRET } });
    return [
      await dintero(t, 'POST', '/discount_codes', checkoutSession(t), true),
      await dintero(t, 'POST', '/discount_codes', checkoutSession(t), false),
    ];
  },
  'GET /v1/accounts/{aid}/checkout/callback': async (t) => {
    await call('PUT', `${t.base}/checkout/signature`, { token: t.token, body: { secret: CHECKOUT_SECRET } });
    await dintero(t, 'POST', '/discount_codes', checkoutSession(t), true);
    return [
      await dintero(t, 'GET', `/callback?transaction_id=${t.aid}.tx&session_id=${t.aid}.s`, undefined, true),
      await dintero(t, 'GET', `/callback?transaction_id=${t.aid}.tx&session_id=${t.aid}.s`, undefined, false),
      await dintero(t, 'GET', `/callback?transaction_id=${t.aid}.tx2&session_id=${t.aid}.unknown`, undefined, true),
    ];
  },
  'POST /v1/accounts/{aid}/checkout/callback': async (t) => {
    await call('PUT', `${t.base}/checkout/signature`, { token: t.token, body: { secret: CHECKOUT_SECRET } });
    const body = { id: `${t.aid}.tx`, session_id: `${t.aid}.s`, status: 'AUTHORIZED', session: checkoutSession(t) };
    return [
      await dintero(
        t,
        'POST',
        `/callback?transaction_id=${t.aid}.tx&session_id=${t.aid}.s&method=POST&includes=session`,
        body,
        true,
      ),
      await dintero(
        t,
        'POST',
        `/callback?transaction_id=${t.aid}.tx&session_id=${t.aid}.s&method=POST`,
        { id: 7 },
        true,
      ),
    ];
  },
  'GET /v1/accounts/{aid}/checkout/events': async (t) =>
    call('GET', `${t.base}/checkout/events?total=true`, { token: t.token }),
  // Refs and claims (docs/refs.md, docs/claims.md)
  'GET /v1/accounts/{aid}/discounts/rules/{did}/customers': async (t) => {
    const { id } = await t.rule();
    await giveTo(t, id, ['c-1', '*']);
    return [
      await call('GET', `${t.base}/discounts/rules/${id}/customers?total=true`, { token: t.token }),
      await call('GET', `${t.base}/discounts/rules/${id}/customers?limit=1001`, { token: t.token }),
    ];
  },
  'POST /v1/accounts/{aid}/discounts/rules/{did}/customers': async (t) => {
    const { id } = await t.rule();
    return [
      await call('POST', `${t.base}/discounts/rules/${id}/customers`, {
        token: t.token,
        body: { customers: ['c-1', '/'], offering_constraint_id: 'o' },
      }),
      await call('POST', `${t.base}/discounts/rules/${id}/customers`, { token: t.token, body: { customers: [] } }),
    ];
  },
  'DELETE /v1/accounts/{aid}/discounts/rules/{did}/customers': async (t) => {
    const { id } = await t.rule();
    await giveTo(t, id, ['c-1']);
    return call('DELETE', `${t.base}/discounts/rules/${id}/customers`, {
      token: t.token,
      body: { customers: ['c-1'] },
    });
  },
  'GET /v1/accounts/{aid}/discounts/rules/{did}/usages': async (t) => {
    const { id } = await t.rule();
    const [ref] = await giveTo(t, id, ['c-1']);
    await claimOn(t, id, ref!, 'c-1');
    return call('GET', `${t.base}/discounts/rules/${id}/usages?total=true`, { token: t.token });
  },
  'GET /v1/accounts/{aid}/discounts/rules/{did}/ledger': async (t) => {
    const { id } = await t.rule();
    const [ref] = await giveTo(t, id, ['c-1']);
    await claimOn(t, id, ref!, 'c-1');
    return call('GET', `${t.base}/discounts/rules/${id}/ledger?total=true`, { token: t.token });
  },
  'GET /v1/accounts/{aid}/discounts/customers/{customer_id}/rules': async (t) => {
    const { id } = await t.rule();
    await giveTo(t, id, ['c-1']);
    return call('GET', `${t.base}/discounts/customers/c-1/rules?total=true`, { token: t.token });
  },
  'GET /v1/accounts/{aid}/discounts/customers/{customer_id}/refs/{ref_id}': async (t) => {
    const { id } = await t.rule();
    const [ref] = await giveTo(t, id, ['c-1']);
    return [
      await call('GET', `${t.base}/discounts/customers/c-1/refs/${ref}`, { token: t.token }),
      await call('GET', `${t.base}/discounts/customers/c-2/refs/${ref}`, { token: t.token }),
    ];
  },
  'POST /v1/accounts/{aid}/discounts/customers/{customer_id}/refs/{ref_id}': async (t) => {
    const { id } = await t.rule();
    const [ref] = await giveTo(t, id, ['c-1']);
    return call('POST', `${t.base}/discounts/customers/c-1/refs/${ref}`, {
      token: t.token,
      body: { usage_ref: { ref: 'v-1', stamp: 1 } },
    });
  },
  'DELETE /v1/accounts/{aid}/discounts/customers/{customer_id}/refs/{ref_id}': async (t) => {
    const { id } = await t.rule();
    const [ref] = await giveTo(t, id, ['c-1']);
    return call('DELETE', `${t.base}/discounts/customers/c-1/refs/${ref}`, { token: t.token });
  },
  'POST /v1/accounts/{aid}/discounts/available_for_receipt': async (t) => {
    const { id } = await t.rule({ reward: { type: 'discount_percent', value: 10 } });
    await call('POST', `${t.base}/discounts/rules/${id}/customers`, { token: t.token, body: { customers: ['/'] } });
    const receipt = {
      receipt_id: 'r1',
      purchase_at: '2026-06-01T12:00:00Z',
      store: { id: 's1' },
      items: [
        { id: 'a', line_id: 1, gross_amount: 1000 },
        { id: 'b', line_id: 2, gross_amount: 3000, discount_lines: [{ amount: 100 }] },
      ],
    };
    return [
      await call('POST', `${t.base}/discounts/available_for_receipt`, { token: t.token, body: receipt }),
      await call('POST', `${t.base}/discounts/available_for_receipt`, {
        token: t.token,
        body: { ...receipt, store: {} },
      }),
      await call('POST', `${t.base}/discounts/available_for_receipt?explain=true`, {
        token: t.token,
        body: { ...receipt, explain_rules: [id, 'no-such-rule'] },
      }),
    ];
  },
  'POST /v1/accounts/{aid}/discounts/available_for_receipt/claims': async (t) => {
    const { id } = await t.rule({ limitation: { discount_repeat_usage: 1 } });
    const [ref] = await giveTo(t, id, ['c-1']);
    return [(await claimOn(t, id, ref!, 'c-1')) as Response, (await claimOn(t, id, ref!, 'c-1', 'other')) as Response];
  },
  'GET /v1/accounts/{aid}/discounts/available_for_receipt/claims': async (t) => {
    const { id } = await t.rule();
    const [ref] = await giveTo(t, id, ['c-1']);
    await claimOn(t, id, ref!, 'c-1');
    return call('GET', `${t.base}/discounts/available_for_receipt/claims?customer_id=c-1&total=true`, {
      token: t.token,
    });
  },
  'GET /v1/accounts/{aid}/discounts/available_for_receipt/claims/{claim_id}': async (t) => {
    const { id } = await t.rule();
    const [ref] = await giveTo(t, id, ['c-1']);
    const claim = (await (await claimOn(t, id, ref!, 'c-1')).json()) as { id: string };
    return call('GET', `${t.base}/discounts/available_for_receipt/claims/${claim.id}`, { token: t.token });
  },
  'DELETE /v1/accounts/{aid}/discounts/available_for_receipt/claims/{claim_id}': async (t) => {
    const { id } = await t.rule();
    const [ref] = await giveTo(t, id, ['c-1']);
    const claim = (await (await claimOn(t, id, ref!, 'c-1')).json()) as { id: string };
    return call('DELETE', `${t.base}/discounts/available_for_receipt/claims/${claim.id}`, { token: t.token });
  },
  'GET /v1/accounts/{aid}/discounts/public/rules': async (t) => {
    const { id } = await t.rule({ metadata: { 'dintero:exclude:public:kind': 'Gold', campaign_id: 'V101' } });
    await giveTo(t, id, ['*']);
    const first = await call('GET', `${t.base}/discounts/public/rules?limit=100`, { token: t.token });
    const etag = first.headers.get('etag')!;
    return [
      first,
      await call('GET', `${t.base}/discounts/public/rules?limit=100`, {
        token: t.token,
        headers: { 'if-none-match': etag },
      }),
      await call('GET', `${t.base}/discounts/public/rules?limit=0`, { token: t.token }),
      await call('GET', `${t.base}/discounts/public/rules`),
    ];
  },
  'GET /v1/accounts/{aid}/discounts/public/rules/{did}': async (t) => {
    const { id } = await t.rule();
    await giveTo(t, id, ['/']);
    return [
      await call('GET', `${t.base}/discounts/public/rules/${id}`, { token: t.token }),
      await call('GET', `${t.base}/discounts/public/rules/${crypto.randomUUID()}`, { token: t.token }),
    ];
  },
  'GET /v1/accounts/{aid}/discounts/campaigns': async (t) => {
    await call('POST', `${t.base}/discounts/campaigns`, {
      token: t.token,
      body: { campaign_id: 'V101', name: 'Spring', metadata: { sponsor: 'Solo' } },
    });
    return [
      await call('GET', `${t.base}/discounts/campaigns?state=public&total=true`, { token: t.token }),
      await call('GET', `${t.base}/discounts/campaigns?state=gone`, { token: t.token }),
    ];
  },
  'POST /v1/accounts/{aid}/discounts/campaigns': async (t) => [
    await call('POST', `${t.base}/discounts/campaigns`, {
      token: t.token,
      body: { campaign_id: 'V101', name: 'Spring', description: 'Spring sale', private: true },
    }),
    await call('POST', `${t.base}/discounts/campaigns`, {
      token: t.token,
      body: { campaign_id: 'V101', name: 'Again' },
    }),
    await call('POST', `${t.base}/discounts/campaigns`, { token: t.token, body: { name: '' } }),
  ],
  'GET /v1/accounts/{aid}/discounts/campaigns/{campaign_id}': async (t) => {
    await call('POST', `${t.base}/discounts/campaigns`, {
      token: t.token,
      body: { campaign_id: 'V101', name: 'Spring' },
    });
    return [
      await call('GET', `${t.base}/discounts/campaigns/V101`, { token: t.token }),
      await call('GET', `${t.base}/discounts/campaigns/missing`, { token: t.token }),
    ];
  },
  'PUT /v1/accounts/{aid}/discounts/campaigns/{campaign_id}': async (t) => {
    await call('POST', `${t.base}/discounts/campaigns`, {
      token: t.token,
      body: { campaign_id: 'V101', name: 'Spring' },
    });
    return [
      await call('PUT', `${t.base}/discounts/campaigns/V101`, {
        token: t.token,
        body: { name: 'Summer', private: true },
      }),
      await call('PUT', `${t.base}/discounts/campaigns/V101`, { token: t.token, body: { private: 'yes' } }),
    ];
  },
  'DELETE /v1/accounts/{aid}/discounts/campaigns/{campaign_id}': async (t) => {
    await call('POST', `${t.base}/discounts/campaigns`, {
      token: t.token,
      body: { campaign_id: 'V101', name: 'Spring' },
    });
    return [
      await call('DELETE', `${t.base}/discounts/campaigns/V101`, { token: t.token }),
      await call('DELETE', `${t.base}/discounts/campaigns/V101`, { token: await readOnlyToken(t) }),
    ];
  },
  'GET /v1/accounts/{aid}/settings': async (t) => [
    await call('GET', `${t.base}/settings`, { token: t.token }),
    await call('GET', `${t.base}/settings`, { token: await readOnlyToken(t) }),
  ],
  'PUT /v1/accounts/{aid}/settings': async (t) => [
    await call('PUT', `${t.base}/settings`, {
      token: t.token,
      body: { public_offers: { anonymous: true, allowed_origins: ['https://shop.example.com'], max_age: 120 } },
    }),
    await call('PUT', `${t.base}/settings`, { token: t.token, body: { public_offers: { max_age: -1 } } }),
  ],
  'GET /v1/accounts/{aid}/maintenance': async (t) => {
    const before = await call('GET', `${t.base}/maintenance`, { token: t.token });
    // A run as of long after the rule's window ended archives it, so the answer has a last run.
    await t.rule({ requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2021-01-01T00:00:00Z' } });
    await env.ACCOUNTS.getByName(t.aid).cleanup(Date.parse('2022-01-01T00:00:00Z'));
    return [
      before,
      await call('GET', `${t.base}/maintenance`, { token: t.token }),
      await call('GET', `${t.base}/maintenance`, { token: await readOnlyToken(t) }),
    ];
  },
};

async function giveTo(t: CaseContext, ruleId: string, customers: string[]): Promise<string[]> {
  const res = await call('POST', `${t.base}/discounts/rules/${ruleId}/customers`, {
    token: t.token,
    body: { customers },
  });
  return ((await res.json()) as { refs: { id: string }[] }).refs.map((r) => r.id);
}
function claimOn(t: CaseContext, ruleId: string, refId: string, customerId: string, ref = 'tx-1') {
  return call('POST', `${t.base}/discounts/available_for_receipt/claims`, {
    token: t.token,
    body: {
      purchase_at: new Date().toISOString(),
      customer_id: customerId,
      ref,
      discounts: [{ id: ruleId, refs: [{ id: refId, amount: 100, usage: 1 }] }],
    },
  });
}

const CHECKOUT_SECRET = 'contract-checkout-secret';
const checkoutSession = (t: CaseContext) => ({
  id: `${t.aid}.s`,
  order: {
    amount: 1000,
    currency: 'NOK',
    items: [{ id: 'a', line_id: '1', amount: 1000, vat: 25 }],
    discount_codes: ['X'],
  },
  express: { shipping_options: [] },
});
/** A checkout call as Dintero makes it, signed with CHECKOUT_SECRET unless `sign` is false. */
async function dintero(t: CaseContext, method: string, path: string, body: unknown, sign: boolean) {
  const url = new URL(`${BASE}${t.base}/checkout${path}`);
  const headers: Record<string, string> = sign
    ? { 'dintero-signature': await signatureHeader(CHECKOUT_SECRET, t.aid, method, url, Date.now() / 1000) }
    : {};
  return call(method, url.pathname + url.search, { body, headers });
}

async function readOnlyToken(t: CaseContext) {
  const { tokenWith } = await import('../helpers');
  return tokenWith(['read:discounts'], t.aid);
}

Object.assign(cases, automationCases);
Object.assign(cases, codeCases);
Object.assign(cases, customerApiCases);
