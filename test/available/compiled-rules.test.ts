import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, json, ruleBody, tokenWith } from '../helpers';

// The account object compiles its rules once and then recompiles only the rule a write touched
// (shared/store/evaluation.ts). Every kind of write must show in the very next evaluation.

const aid = 'T30000022';
const base = `/v1/accounts/${aid}`;

interface Counts {
  compilations: number;
  recompiled: number;
}
const counts = () =>
  runInDurableObject(env.ACCOUNTS.getByName(aid), (store) => {
    const e = (store as unknown as { evaluator: Counts }).evaluator;
    return { compilations: e.compilations, recompiled: e.recompiled };
  });

describe('the compiled rules after a write', () => {
  it('follow create, update, deactivate and delete without compiling everything again', async () => {
    const token = await tokenWith(undefined, aid);
    const offered = async () => {
      const res = await json(
        call('POST', `${base}/discounts/available_for_receipt`, {
          token,
          body: {
            receipt_id: 'w-1',
            purchase_at: '2026-06-01T12:00:00Z',
            store: { id: 'sc029' },
            customer_id: 'c-1',
            items: [{ id: 'coffee', line_id: 1, quantity: 1, gross_amount: 10000 }],
          },
        }),
      );
      expect(res.status).toBe(200);
      return Object.fromEntries(
        (res.body.discounts as { id: string; refs: { amount: number }[] }[]).map((d) => [d.id, d.refs[0]!.amount]),
      );
    };
    const create = async (body: Record<string, unknown>) => {
      const res = await json(call('POST', `${base}/discounts/rules`, { token, body: ruleBody(body) }));
      expect(res.status).toBe(200);
      const id = res.body.id as string;
      expect(
        (await call('POST', `${base}/discounts/rules/${id}/customers`, { token, body: { customers: ['*'] } })).status,
      ).toBe(200);
      return id;
    };
    const update = async (id: string, body: Record<string, unknown>, status = 200) => {
      const res = await json(call('PUT', `${base}/discounts/rules/${id}`, { token, body }));
      expect(res.status, JSON.stringify(res.body)).toBe(status);
    };

    const a = await create({ reward: { type: 'discount_amount', value: 1000 } });
    expect(await offered()).toEqual({ [a]: 1000 });
    const start = await counts();

    // A receipt rule's new minimum: 10000 is enough, 10001 is not.
    const item = { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' };
    await update(a, { requirement: { ...item, gross_amount: 10001 } });
    expect(await offered()).toEqual({});
    await update(a, { requirement: { ...item, gross_amount: 10000 } });
    expect(await offered()).toEqual({ [a]: 1000 });

    const b = await create({
      requirement: { ...item, item: { items: [{ id: 'coffee' }] } },
      reward: { type: 'discount_percent', value: 10 },
    });
    expect(await offered()).toEqual({ [a]: 1000, [b]: 1000 });

    // The item index follows a changed requirement: b now needs another item.
    await update(b, { requirement: { ...item, item: { items: [{ id: 'tea' }] } } });
    expect(await offered()).toEqual({ [a]: 1000 });
    await update(b, { requirement: { ...item, item: { items: [{ id: 'coffee' }] } } });
    expect(await offered()).toEqual({ [a]: 1000, [b]: 1000 });

    await update(a, { active: false });
    expect(await offered()).toEqual({ [b]: 1000 });
    expect((await call('DELETE', `${base}/discounts/rules/${b}`, { token })).status).toBe(200);
    expect(await offered()).toEqual({});
    await update(a, { active: true });
    expect(await offered()).toEqual({ [a]: 1000 });
    // A refused write changes nothing, and the set stays exact.
    await update(b, { active: true }, 400);
    expect(await offered()).toEqual({ [a]: 1000 });

    const end = await counts();
    expect(end.compilations).toBe(start.compilations);
    expect(end.recompiled - start.recompiled).toBe(9);
  });
});
