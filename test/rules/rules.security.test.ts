import { describe, expect, it } from 'vitest';
import { call, json, ruleBody, tokenWith } from '../helpers';

/** Rules: bounded queries, bounded bodies, stamps an edit cannot silently expire (issue 14). */
const rulesPath = (aid: string, rest = '') => `/v1/accounts/${aid}/discounts/rules${rest}`;
const DAY = 86_400_000;

describe('bounded work per request (items 4 and 6)', () => {
  it('more campaign_id values than the limit are 400 naming the field, never 500', async () => {
    const aid = 'T71430001';
    const token = await tokenWith(['read:discounts'], aid);
    const query = Array.from({ length: 120 }, (_, i) => `campaign_id=c${i}`).join('&');
    const res = await json(call('GET', `${rulesPath(aid)}?${query}`, { token }));
    expect(res.status).toBe(400);
    expect(res.body.error.errors[0].field).toBe('campaign_id');
    const fifty = Array.from({ length: 50 }, (_, i) => `campaign_id=c${i}`).join('&');
    expect((await call('GET', `${rulesPath(aid)}?${fifty}`, { token })).status).toBe(200);
  });

  it('metadata above 16 KiB is 400 on create and update', async () => {
    const aid = 'T71430002';
    const token = await tokenWith(['admin:discounts'], aid);
    const big = { notes: 'x'.repeat(17 * 1024) };
    const created = await json(call('POST', rulesPath(aid), { token, body: ruleBody({ metadata: big }) }));
    expect(created.status).toBe(400);
    expect(created.body.error.errors[0].field).toBe('metadata');
    const ok = await json(call('POST', rulesPath(aid), { token, body: ruleBody({ metadata: { notes: 'short' } }) }));
    expect(ok.status).toBe(200);
    const updated = await json(call('PUT', rulesPath(aid, `/${ok.body.id}`), { token, body: { metadata: big } }));
    expect(updated.status).toBe(400);
    expect(updated.body.error.errors[0].field).toBe('metadata');
  });

  it('a rule above 64 KiB as JSON is 400', async () => {
    const aid = 'T71430003';
    const token = await tokenWith(['admin:discounts'], aid);
    const names = Array.from({ length: 80 }, (_, i) => `${i}-${'n'.repeat(990)}`);
    const body = ruleBody();
    const res = await json(
      call('POST', rulesPath(aid), {
        token,
        body: { ...body, requirement: { ...body.requirement, customer: { first_name: names } } },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.errors[0]).toMatchObject({ field: '(body)', code: 'too_large' });
    expect(res.body.error.errors[0].message).toContain('65536');
  });
});

describe('stamp_expire_days cannot silently expire stamps (item 9)', () => {
  it('shortening below the oldest unspent stamp is 409 unless expire_stamps=true', async () => {
    const aid = 'T71430004';
    const token = await tokenWith(undefined, aid);
    const rule = await json(
      call('POST', rulesPath(aid), {
        token,
        body: ruleBody({
          reward: { type: 'discount_amount', value: 1000 },
          requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z', stamp: 5 },
          limitation: { stamp_expire_days: 30 },
        }),
      }),
    );
    expect(rule.status).toBe(200);
    const did = rule.body.id;
    const [ref] = (
      await json(call('POST', rulesPath(aid, `/${did}/customers`), { token, body: { customers: ['kim'] } }))
    ).body.refs;
    const stamp = await call('POST', `/v1/accounts/${aid}/discounts/available_for_receipt/claims`, {
      token,
      body: {
        purchase_at: new Date(Date.now() - 10 * DAY).toISOString(),
        customer_id: 'kim',
        discounts: [{ id: did, refs: [{ id: ref.id, amount: 0, usage: 0, stamp: 1 }] }],
      },
    });
    expect(stamp.status).toBe(200);

    const shorten = { limitation: { stamp_expire_days: 5 } };
    const refused = await json(call('PUT', rulesPath(aid, `/${did}`), { token, body: shorten }));
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('expire_stamps=true');
    // Longer, or still covering the oldest stamp, is fine.
    expect(
      (await call('PUT', rulesPath(aid, `/${did}`), { token, body: { limitation: { stamp_expire_days: 11 } } })).status,
    ).toBe(200);
    const forced = await json(call('PUT', rulesPath(aid, `/${did}?expire_stamps=true`), { token, body: shorten }));
    expect(forced.status).toBe(200);
    expect(forced.body.limitation.stamp_expire_days).toBe(5);
  });
});
