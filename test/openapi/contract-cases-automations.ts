/** Contract cases for automations and rule search (see contract-cases.ts). */
import { call } from '../helpers';
import type { Case, CaseContext } from './case';

const WINDOW = { automation_from: '2020-01-01T00:00:00Z', automation_to: '2098-01-01T00:00:00Z' };

async function automation(t: CaseContext): Promise<{ id: string }> {
  return (await (await create(t)).json()) as { id: string };
}

async function create(t: CaseContext): Promise<Response> {
  const rule = await t.rule();
  return call('POST', `${t.base}/automations/rules`, {
    token: t.token,
    body: {
      name: 'welcome',
      requirement: { events: ['customer_add', 'receipt_add'], ...WINDOW, filters: { '$.store.id': ['sc029'] } },
      actions: [
        { type: 'discount', id: rule.id },
        { type: 'http', url: 'https://crm.example.com/hook', method: 'POST', body: { who: '$.customer_id' } },
      ],
    },
  });
}

export const automationCases: Record<string, Case> = {
  'GET /v1/accounts/{aid}/automations/rules': async (t) => {
    await automation(t);
    return [
      await call('GET', `${t.base}/automations/rules?state=available`, { token: t.token }),
      await call('GET', `${t.base}/automations/rules?state=nope`, { token: t.token }),
    ];
  },
  'POST /v1/accounts/{aid}/automations/rules': async (t) => [
    await create(t),
    await call('POST', `${t.base}/automations/rules`, { token: t.token, body: { actions: [] } }),
  ],
  'GET /v1/accounts/{aid}/automations/rules/{arid}': async (t) => {
    const { id } = await automation(t);
    return [
      await call('GET', `${t.base}/automations/rules/${id}`, { token: t.token }),
      await call('GET', `${t.base}/automations/rules/${crypto.randomUUID()}`, { token: t.token }),
    ];
  },
  'DELETE /v1/accounts/{aid}/automations/rules/{arid}': async (t) => {
    const { id } = await automation(t);
    return call('DELETE', `${t.base}/automations/rules/${id}`, { token: t.token });
  },
  'GET /v1/accounts/{aid}/automations/rules/{arid}/deliveries': async (t) => {
    const { id } = await automation(t);
    await call('POST', `${t.base}/customers/users`, { token: t.token, body: { customer_id: 'contract-1' } });
    return call('GET', `${t.base}/automations/rules/${id}/deliveries`, { token: t.token });
  },
  'GET /v1/accounts/{aid}/automations/signing_secret': async (t) => [
    await call('GET', `${t.base}/automations/signing_secret`, { token: t.token }),
    await call('POST', `${t.base}/automations/signing_secret`, { token: t.token }).then(() =>
      call('GET', `${t.base}/automations/signing_secret`, { token: t.token }),
    ),
  ],
  'POST /v1/accounts/{aid}/automations/signing_secret': async (t) =>
    call('POST', `${t.base}/automations/signing_secret`, { token: t.token }),
  'POST /v1/accounts/{aid}/discounts/search/rules': async (t) => {
    const rule = await t.rule({
      requirement: {
        purchase_from: '2020-01-01T00:00:00Z',
        purchase_to: '2099-01-01T00:00:00Z',
        item: { items: [{ id: 'b714118' }] },
      },
    });
    await call('POST', `${t.base}/discounts/rules/${rule.id}/customers`, {
      token: t.token,
      body: { customers: ['*'] },
    });
    return [
      await call('POST', `${t.base}/discounts/search/rules`, {
        token: t.token,
        body: {
          query: [{ customer_id: ['member-1001'], '$.requirement.item.items[*]': [{ id: 'b714118', group_id: 'B1' }] }],
          group_by: ['customer_id#$.requirement.item.items[*].id'],
        },
      }),
      await call('POST', `${t.base}/discounts/search/rules`, { token: t.token, body: { query: [] } }),
    ];
  },
};
