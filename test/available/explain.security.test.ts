import { describe, expect, it } from 'vitest';
import { call, json, ruleBody, tokenWith } from '../helpers';

/**
 * Issue 21 (Low): `explain=true` names fields and reasons to every caller, but a rule's private
 * values (required customer names, dates of birth, store e-mails) only to a caller that may read rules.
 */
const AID = 'T46100001';
const V1 = `/v1/accounts/${AID}`;
const SECRETS = ['Kari-Secret', '1970-01-02', 'boss@store.example', 'Oslo-HQ-7'];

describe('explain for a caller that cannot read rules', async () => {
  const admin = await tokenWith(undefined, AID);
  const private1 = await json(
    call('POST', `${V1}/discounts/rules`, {
      token: admin,
      body: ruleBody({
        name: 'Staff only',
        requirement: {
          ...ruleBody().requirement,
          customer: { first_name: ['Kari-Secret'], date_of_birth: ['1970-01-02'] },
        },
      }),
    }),
  );
  const private2 = await json(
    call('POST', `${V1}/discounts/rules`, {
      token: admin,
      body: ruleBody({
        name: 'Head office',
        requirement: { ...ruleBody().requirement, store: { email: ['boss@store.example'], id: ['Oslo-HQ-7'] } },
      }),
    }),
  );
  expect(private1.status).toBe(200);
  expect(private2.status).toBe(200);
  for (const r of [private1, private2])
    await call('POST', `${V1}/discounts/rules/${r.body.id}/customers`, { token: admin, body: { customers: ['*'] } });
  const receipt = {
    receipt_id: 'r-1',
    purchase_at: new Date().toISOString(),
    store: { id: 'till-store' },
    customer_id: 'member-1',
    items: [{ id: 'coffee', line_id: 1, gross_amount: 5000 }],
  };
  const explain = (token: string) =>
    json(call('POST', `${V1}/discounts/available_for_receipt?explain=true`, { token, body: receipt }));
  const byId = (body: { explanations: { discount_id: string }[] }): Record<string, any> =>
    Object.fromEntries(body.explanations.map((e) => [e.discount_id, e]));

  it('a till token gets reasons and fields, never the values', async () => {
    const till = await tokenWith(['write:discounts:/available_for_receipt'], AID);
    const res = await explain(till);
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const got = byId(res.body);
    expect(got[private1.body.id]).toEqual({
      discount_id: private1.body.id,
      applied: false,
      reason: 'customer_requirement',
      field: 'requirement.customer',
    });
    expect(got[private2.body.id]).toEqual({
      discount_id: private2.body.id,
      applied: false,
      reason: 'store',
      field: 'requirement.store',
    });
  });

  it('a caller with read:discounts still gets needed and had', async () => {
    for (const scopes of [['read:discounts'], ['admin:discounts']] as const) {
      const reader = await tokenWith([...scopes], AID);
      const got = byId((await explain(reader)).body);
      expect(got[private1.body.id].needed).toEqual({ first_name: ['Kari-Secret'], date_of_birth: ['1970-01-02'] });
      expect(got[private2.body.id]).toMatchObject({
        needed: { id: ['Oslo-HQ-7'], email: ['boss@store.example'] },
        had: { id: 'till-store' },
      });
    }
  });
});
