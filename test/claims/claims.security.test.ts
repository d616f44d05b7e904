import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { claimRefMemory, forgetClaimRefs, MEMORY_MAX_BYTES, writeClaimRef } from '../../functions/claim-refs';
import type { Claim } from '../../shared/schemas/claim';
import { call, json, ruleBody, tokenWith } from '../helpers';

/** Claims: bounded work, exact counters, and windows a backdated purchase cannot reopen (issue 14). */
const claimsPath = (aid: string) => `/v1/accounts/${aid}/discounts/available_for_receipt/claims`;
const DAY = 86_400_000;

async function ruleWithRef(aid: string, overrides: Record<string, unknown> = {}, customer = 'kim') {
  const token = await tokenWith(undefined, aid);
  const rule = await json(call('POST', `/v1/accounts/${aid}/discounts/rules`, { token, body: ruleBody(overrides) }));
  expect(rule.status).toBe(200);
  const given = await json(
    call('POST', `/v1/accounts/${aid}/discounts/rules/${rule.body.id}/customers`, {
      token,
      body: { customers: [customer] },
    }),
  );
  return { token, did: rule.body.id as string, refId: given.body.refs[0].id as string };
}

describe('bounded work per claim (item 6)', () => {
  it('more than 200 refs in one claim are 400 before any ref is looked at', async () => {
    const aid = 'T71450001';
    const token = await tokenWith(undefined, aid);
    const discounts = Array.from({ length: 3 }, (_, d) => ({
      id: `rule-${d}`,
      refs: Array.from({ length: 100 }, (_, r) => ({ id: `ref-${d}-${r}`, amount: 0, usage: 1 })),
    }));
    const res = await json(
      call('POST', claimsPath(aid), { token, body: { purchase_at: new Date().toISOString(), discounts } }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.errors[0]).toMatchObject({ field: 'discounts' });
    expect(res.body.error.errors[0].message).toContain('200');
  });

  it('a claim that would carry a counter past 2^53 - 1 is refused and changes nothing', async () => {
    const aid = 'T71450002';
    const { token, did, refId } = await ruleWithRef(aid, { reward: { type: 'discount_amount', value: 100 } });
    const near = Number.MAX_SAFE_INTEGER - 50;
    await runInDurableObject(env.ACCOUNTS.getByName(aid), (_o, state) => {
      state.storage.sql.exec('UPDATE rules SET stat_amount = ? WHERE id = ?', near, did);
    });
    const res = await json(
      call('POST', claimsPath(aid), {
        token,
        body: {
          purchase_at: new Date().toISOString(),
          customer_id: 'kim',
          discounts: [{ id: did, refs: [{ id: refId, amount: 100, usage: 1 }] }],
        },
      }),
    );
    expect(res.status).toBe(400);
    const rule = await json(call('GET', `/v1/accounts/${aid}/discounts/rules/${did}?include=statistics`, { token }));
    expect(rule.body.statistics.amount).toBe(near);
    expect(rule.body.statistics.usage).toBe(0);
  });
});

describe('the counter limit sits exactly at 2^53 - 1', () => {
  it('a claim that brings a counter to 2^53 - 1 is taken; one more unit is refused', async () => {
    const aid = 'T71450003';
    const { token, did, refId } = await ruleWithRef(aid, { reward: { type: 'discount_amount', value: 100 } });
    await runInDurableObject(env.ACCOUNTS.getByName(aid), (_o, state) => {
      state.storage.sql.exec('UPDATE rules SET stat_amount = ? WHERE id = ?', Number.MAX_SAFE_INTEGER - 100, did);
    });
    const claim = (amount: number) =>
      json(
        call('POST', claimsPath(aid), {
          token,
          body: {
            purchase_at: new Date().toISOString(),
            customer_id: 'kim',
            discounts: [{ id: did, refs: [{ id: refId, amount, usage: 1 }] }],
          },
        }),
      );
    const exact = await claim(100);
    expect(exact.status).toBe(200);
    const past = await claim(1);
    expect(past.status).toBe(400);
    expect(past.body.error.errors[0]).toMatchObject({ code: 'counter_limit' });
    const rule = await json(call('GET', `/v1/accounts/${aid}/discounts/rules/${did}?include=statistics`, { token }));
    expect(rule.body.statistics.amount).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe("a ref's own counters stay exact", () => {
  it('a claim that would carry the ref amount past 2^53 - 1 is refused', async () => {
    const aid = 'T71450004';
    const { token, did, refId } = await ruleWithRef(aid, { reward: { type: 'discount_amount', value: 100 } });
    await runInDurableObject(env.ACCOUNTS.getByName(aid), (_o, state) => {
      state.storage.sql.exec('UPDATE refs SET amount = ? WHERE id = ?', Number.MAX_SAFE_INTEGER - 50, refId);
    });
    const res = await json(
      call('POST', claimsPath(aid), {
        token,
        body: {
          purchase_at: new Date().toISOString(),
          customer_id: 'kim',
          discounts: [{ id: did, refs: [{ id: refId, amount: 100, usage: 1 }] }],
        },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.errors[0]).toMatchObject({ code: 'counter_limit' });
  });
});

describe('the claim-ref memory in front of KV (item 6)', () => {
  it('is bounded by bytes: 300 claims of 200 refs each stay under the cap', async () => {
    forgetClaimRefs();
    const kv = { put: async () => undefined } as unknown as KVNamespace;
    const claim = (i: number): Claim => ({
      id: `claim-${i}`,
      purchase_at: '2026-01-01T00:00:00Z',
      discounts: [
        {
          id: 'rule',
          refs: Array.from({ length: 200 }, (_, r) => ({
            id: `ref-${r}-${'x'.repeat(200)}`,
            amount: 1,
            usage: 1,
            stamp: 0,
          })),
        },
      ],
      created_at: '2026-01-01T00:00:00Z',
      created_by: 'till',
      updated_at: '2026-01-01T00:00:00Z',
      updated_by: 'till',
    });
    for (let i = 0; i < 300; i++) await writeClaimRef(kv, `claim-ref:v1:T71450009:${i}`, claim(i), 'hash');
    const { entries, bytes } = claimRefMemory();
    expect(bytes).toBeLessThanOrEqual(MEMORY_MAX_BYTES);
    expect(entries).toBeGreaterThan(10);
    expect(entries).toBeLessThan(300);
    forgetClaimRefs();
  });
});

describe('dynamic_purchase_to_days (item 10)', () => {
  it('a ref whose window has ended cannot be claimed by backdating purchase_at', async () => {
    const aid = 'T71450003';
    const { token, did, refId } = await ruleWithRef(aid, { limitation: { dynamic_purchase_to_days: 1 } });
    // The ref was made three days ago: its window closed two days ago.
    const made = Date.now() - 3 * DAY;
    await runInDurableObject(env.ACCOUNTS.getByName(aid), (_o, state) => {
      state.storage.sql.exec('UPDATE refs SET created_at = ? WHERE id = ?', made, refId);
    });
    const body = (at: number) => ({
      purchase_at: new Date(at).toISOString(),
      customer_id: 'kim',
      discounts: [{ id: did, refs: [{ id: refId, amount: 10000, usage: 1 }] }],
    });
    const backdated = await json(call('POST', claimsPath(aid), { token, body: body(made + DAY / 2) }));
    expect(backdated.status).toBe(400);
    expect(backdated.body.error.errors[0]).toMatchObject({ field: 'discounts.0.refs.0.id', code: 'not_usable' });
    const rule = await json(call('GET', `/v1/accounts/${aid}/discounts/rules/${did}?include=statistics`, { token }));
    expect(rule.body.statistics.usage).toBe(0);
  });
});
