import { describe, expect, it } from 'vitest';
import { call, json, ruleBody, tokenWith } from '../helpers';

const aid = 'T20000005';
const base = `/v1/accounts/${aid}`;

const receipt = (overrides: Record<string, unknown> = {}) => ({
  receipt_id: 'h-1',
  purchase_at: '2026-06-01T12:00:00Z',
  store: { id: 's1' },
  items: [{ id: 'A', line_id: 1, quantity: 1, gross_amount: 1000 }],
  ...overrides,
});

/** `[[[...]]]` nested `depth` levels, built without recursion. */
function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

describe('client mistakes are 400s, never 500s', () => {
  it('timestamps JavaScript cannot read, or days a month does not have', async () => {
    const token = await tokenWith(undefined, aid);
    for (const purchase_at of ['2024-01-01T00:00:00+01', '2023-02-30T00:00:00Z', '2023-13-01T00:00:00Z']) {
      const res = await json(
        call('POST', `${base}/discounts/available_for_receipt`, { token, body: receipt({ purchase_at }) }),
      );
      expect(res.status, purchase_at).toBe(400);
      expect(res.body.error.errors[0].field).toBe('purchase_at');
    }
    const since = await json(call('GET', `${base}/discounts/rules?since_datetime=2024-01-01T00:00:00%2B01`, { token }));
    expect(since.status).toBe(400);
    expect(since.body.error.errors[0].field).toBe('since_datetime');
    const offset = await json(
      call('POST', `${base}/discounts/available_for_receipt`, {
        token,
        body: receipt({ purchase_at: '2024-01-01T01:00:00+01:00' }),
      }),
    );
    expect(offset.status).toBe(200);
    expect(offset.body.purchase_at).toBe('2024-01-01T00:00:00Z');
  });

  it('quantities under a thousandth and amounts beyond 10^12 minor units', async () => {
    const token = await tokenWith(undefined, aid);
    const tiny = await json(
      call('POST', `${base}/discounts/available_for_receipt`, {
        token,
        body: receipt({ items: [{ id: 'A', quantity: 1e-10, gross_amount: 100 }] }),
      }),
    );
    expect(tiny.status).toBe(400);
    expect(tiny.body.error.errors[0].field).toBe('items.0.quantity');
    for (const gross_amount of [1e308, Number.MAX_SAFE_INTEGER, 1e12 + 1]) {
      const res = await json(
        call('POST', `${base}/discounts/available_for_receipt`, {
          token,
          body: receipt({ items: [{ id: 'A', gross_amount }] }),
        }),
      );
      expect(res.status, String(gross_amount)).toBe(400);
    }
    const reward = await json(
      call('POST', `${base}/discounts/rules`, {
        token,
        body: ruleBody({ reward: { type: 'discount_amount', value: 1e308 } }),
      }),
    );
    expect(reward.status).toBe(400);
    expect(reward.body.error.errors[0].field).toBe('reward.value');
  });

  it('JSON nested absurdly deep, in free-form fields', async () => {
    const token = await tokenWith(undefined, aid);
    const deepReceipt = await json(
      call('POST', `${base}/discounts/available_for_receipt`, { token, body: receipt({ note: nested(10_000) }) }),
    );
    expect(deepReceipt.status).toBe(400);
    expect(deepReceipt.body.error.errors[0].code).toBe('depth');
    const deepRule = await json(
      call('POST', `${base}/discounts/rules`, { token, body: ruleBody({ metadata: { x: nested(10_000) } }) }),
    );
    expect(deepRule.status).toBe(400);
    // Ordinary nesting is fine.
    const fine = await json(
      call('POST', `${base}/discounts/rules`, { token, body: ruleBody({ metadata: { x: nested(10) } }) }),
    );
    expect(fine.status).toBe(200);
  });
});

describe('rule shapes behave as accepted', () => {
  it('a rule with only {"id":"*"} is a receipt rule and discounts every line', async () => {
    const token = await tokenWith(undefined, aid);
    const body = ruleBody({ reward: { type: 'discount_percent', value: 10 } });
    const rule = await json(
      call('POST', `${base}/discounts/rules`, {
        token,
        body: { ...body, requirement: { ...body.requirement, item: { items: [{ id: '*' }] } } },
      }),
    );
    expect(rule.body.type).toBe('receipt');
    expect(
      (await call('POST', `${base}/discounts/rules/${rule.body.id}/customers`, { token, body: { customers: ['/'] } }))
        .status,
    ).toBe(200);
    const res = await json(
      call('POST', `${base}/discounts/available_for_receipt`, {
        token,
        body: receipt({
          items: [
            { id: 'A', line_id: 1, gross_amount: 1000 },
            { id: 'B', line_id: 2, gross_amount: 3000 },
          ],
        }),
      }),
    );
    const mine = res.body.discounts.find((d: { id: string }) => d.id === rule.body.id);
    expect(mine.refs[0].items).toEqual([
      { line_id: 1, amount: 100, bonus: 0 },
      { line_id: 2, amount: 300, bonus: 0 },
    ]);
  });
});

describe('API clients cannot be given more than their creator holds', () => {
  it('admin:discounts alone cannot mint a client with customer scopes', async () => {
    const discountsAdmin = await tokenWith(['admin:discounts'], aid);
    const res = await json(
      call('POST', `${base}/auth/clients`, {
        token: discountsAdmin,
        body: { name: 'sneaky', scopes: ['admin:customers'] },
      }),
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('admin:customers');
    const ok = await call('POST', `${base}/auth/clients`, {
      token: discountsAdmin,
      body: { name: 'pos', scopes: ['admin:discounts'] },
    });
    expect(ok.status).toBe(200);
  });
});
