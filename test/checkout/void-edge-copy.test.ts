import { describe, expect, it } from 'vitest';
import { call, json } from '../helpers';
import { merchant } from './helpers';

const SECRET = 'a-dintero-signature-secret';

describe('a VOID from Dintero and a claim checkout did not make', () => {
  it("leaves the claim of the merchant's backend alone; an API retry of its ref answers it unreleased", async () => {
    const aid = 'T40000009';
    const m = await merchant(aid);
    await m.setSecret(SECRET);
    const ruleId = await m.rule('Ten off', { type: 'discount_amount', value: 1000 }, {}, ['c-void']);
    const refs = (await json(call('GET', `${m.base}/discounts/rules/${ruleId}/customers`, { token: m.token }))).body;
    const tx = `${aid}.tx-edge`;
    const body = {
      ref: tx,
      purchase_at: '2026-06-01T12:00:00Z',
      customer_id: 'c-void',
      discounts: [{ id: ruleId, refs: [{ id: refs[0].id, amount: 1000, usage: 1 }] }],
    };
    // The merchant's backend claims with the transaction id as ref; the edge now knows that ref.
    const claimed = await json(
      call('POST', `${m.base}/discounts/available_for_receipt/claims`, { token: m.token, body }),
    );
    expect(claimed.status).toBe(200);
    expect(
      (await json(call('POST', `${m.base}/discounts/available_for_receipt/claims`, { token: m.token, body }))).body
        .deleted_at,
    ).toBeUndefined();

    // Only claims checkout made are Dintero's to release (docs/security.md).
    const voided = await m.dintero('GET', `/callback?transaction_id=${tx}&event=VOID`, { secret: SECRET });
    expect(voided.body).toMatchObject({ outcome: 'nothing_to_release', claim_id: null });

    const retry = await json(
      call('POST', `${m.base}/discounts/available_for_receipt/claims`, { token: m.token, body }),
    );
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(claimed.body.id);
    expect(retry.body.deleted_at).toBeUndefined();
  });
});
