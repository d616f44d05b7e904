import { describe, expect, it } from 'vitest';
import { AID, call, json, ruleBody, tokenWith } from '../helpers';

const V1 = `/v1/accounts/${AID}`;

async function setup() {
  const token = await tokenWith();
  const threshold = await json(
    call('POST', `${V1}/discounts/rules`, {
      token,
      body: ruleBody({
        name: '100,- off above 500,-',
        requirement: { ...ruleBody().requirement, gross_amount: 50000 },
      }),
    }),
  );
  const member = await json(
    call('POST', `${V1}/discounts/rules`, {
      token,
      body: ruleBody({ name: 'Member 10 %', reward: { type: 'discount_percent', value: 10 } }),
    }),
  );
  const garden = await json(
    call('POST', `${V1}/discounts/rules`, {
      token,
      body: ruleBody({
        name: 'Garden',
        requirement: { ...ruleBody().requirement, item: { items: [{ group_id: 'garden' }] } },
      }),
    }),
  );
  for (const r of [threshold, member, garden]) {
    await call('POST', `${V1}/discounts/rules/${r.body.id}/customers`, { token, body: { customers: ['*'] } });
  }
  return { token, threshold: threshold.body.id, member: member.body.id, garden: garden.body.id };
}

const receipt = (gross: number, extra: Record<string, unknown> = {}) => ({
  receipt_id: 'r-1',
  purchase_at: '2026-06-01T12:00:00Z',
  store: { id: 'sc029' },
  customer_id: 'member-1',
  items: [{ id: 'coffee', line_id: 1, gross_amount: gross }],
  ...extra,
});

describe('POST /discounts/available_for_receipt?explain=true', () => {
  it('explains every reachable rule, and the named unreachable one', async () => {
    const t = await setup();
    const res = await json(
      call('POST', `${V1}/discounts/available_for_receipt?explain=true`, {
        token: t.token,
        body: receipt(40000, { explain_rules: [t.garden] }),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.explain_rules).toBeUndefined();
    expect(res.body.discounts.map((d: any) => d.id)).toEqual([t.member]);
    const byId = Object.fromEntries(res.body.explanations.map((e: any) => [e.discount_id, e]));
    expect(byId[t.member]).toEqual({ discount_id: t.member, applied: true });
    expect(byId[t.threshold]).toEqual({
      discount_id: t.threshold,
      applied: false,
      reason: 'gross_amount_below',
      field: 'requirement.gross_amount',
      needed: 50000,
      had: 40000,
    });
    expect(byId[t.garden]).toMatchObject({ applied: false, reason: 'item_quantity' });
    expect(res.body.explanations).toHaveLength(3);
  });

  it('says no_ref_for_customer for a `*` rule on a receipt without a customer', async () => {
    const t = await setup();
    const { customer_id: _, ...anonymous } = receipt(60000);
    const res = await json(
      call('POST', `${V1}/discounts/available_for_receipt?explain=true`, { token: t.token, body: anonymous }),
    );
    expect(res.body.discounts).toEqual([]);
    // Each test adds rules to the file's account: look at this test's own.
    const mine = res.body.explanations.filter((e: any) => [t.threshold, t.member].includes(e.discount_id));
    expect(mine.map((e: any) => e.reason)).toEqual(['no_ref_for_customer', 'no_ref_for_customer']);
  });

  it('leaves the answer exactly as it was without explain (explain_rules ignored, never echoed)', async () => {
    const t = await setup();
    const plain = await json(
      call('POST', `${V1}/discounts/available_for_receipt`, { token: t.token, body: receipt(60000) }),
    );
    expect(plain.body.explanations).toBeUndefined();
    for (const [query, body] of [
      ['', receipt(60000, { explain_rules: [t.garden] })],
      ['?explain=false', receipt(60000, { explain_rules: [t.garden] })],
      ['?explain=false', receipt(60000)],
    ] as const) {
      const again = await json(call('POST', `${V1}/discounts/available_for_receipt${query}`, { token: t.token, body }));
      expect(again.body).toEqual(plain.body);
    }
    const explained = await json(
      call('POST', `${V1}/discounts/available_for_receipt?explain=true`, { token: t.token, body: receipt(60000) }),
    );
    const { explanations, ...rest } = explained.body;
    expect(rest).toEqual(plain.body);
    expect(
      explanations
        .filter((e: any) => e.applied)
        .map((e: any) => e.discount_id)
        .sort(),
    ).toEqual(plain.body.discounts.map((d: any) => d.id).sort());
  });

  it('refuses a bad explain value and too many explain_rules, naming the field', async () => {
    const t = await setup();
    const bad = await json(
      call('POST', `${V1}/discounts/available_for_receipt?explain=yes`, { token: t.token, body: receipt(100) }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.errors[0].field).toBe('explain');
    const many = await json(
      call('POST', `${V1}/discounts/available_for_receipt?explain=true`, {
        token: t.token,
        body: receipt(100, { explain_rules: Array.from({ length: 101 }, (_, i) => `r-${i}`) }),
      }),
    );
    expect(many.status).toBe(400);
    expect(many.body.error.errors[0]).toMatchObject({
      field: 'explain_rules',
      message: 'Expected at most 100 rule ids',
    });
  });
});
