import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { claimOf, codesApi } from './helpers';

let api: Awaited<ReturnType<typeof codesApi>>;
beforeAll(async () => {
  api = await codesApi('T23000002');
});

describe('a code is used exactly as often as its usage allows', () => {
  it('20 parallel copies of one claim (same ref) take one use and answer the same claim', async () => {
    const did = await api.poolRule(['DUP-1']);
    const hit = await api.evaluate(api.receipt(['DUP-1']));
    const body = claimOf(hit.body, 'till-1.tx-dup');
    const answers = await Promise.all(Array.from({ length: 20 }, () => api.claim(body)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect((await api.listCodes(did)).body[0]).toMatchObject({ code: 'DUP-1', used: 1 });
  });

  it('two tills, one single-use code, different purchases in parallel: one claims, the other is 400', async () => {
    const did = await api.poolRule(['ONCE-1']);
    const hit = await api.evaluate(api.receipt(['ONCE-1']));
    const [a, b] = await Promise.all([
      api.claim(claimOf(hit.body, 'till-a.tx-1')),
      api.claim(claimOf(hit.body, 'till-b.tx-1')),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 400]);
    const lost = a.status === 400 ? a : b;
    expect(lost.body.error.errors).toEqual([
      expect.objectContaining({ field: 'discounts.0.code', code: 'code_used_up' }),
    ]);
    expect((await api.listCodes(did)).body[0]).toMatchObject({ used: 1 });
  });

  it('20 different purchases in parallel on a code with usage 3: exactly 3 succeed', async () => {
    const did = await api.poolRule(['THREE'], 3);
    const hit = await api.evaluate(api.receipt(['THREE']));
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => api.claim(claimOf(hit.body, `p-${i}`))));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 400)).toHaveLength(17);
    expect((await api.listCodes(did)).body[0]).toMatchObject({ usage: 3, used: 3 });
    // The claims that won are the only ones in the ledger of the code's rule.
    const ledger = (await api.usages(did)).body.filter((e: { released_at?: string }) => !e.released_at);
    expect(ledger).toHaveLength(3);
  });
});

describe('property: no sequence of claims and releases passes a code usage', () => {
  it('used stays within 0..usage and equals the live claims', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.oneof(fc.constant('claim' as const), fc.nat({ max: 5 })), { minLength: 1, maxLength: 12 }),
        async (usage, steps) => {
          const code = `PROP-${n++}`;
          const did = await api.poolRule([code], usage);
          const hit = await api.evaluate(api.receipt([code]));
          const body = claimOf(hit.body);
          const live: string[] = [];
          for (const step of steps) {
            if (step === 'claim') {
              const res = await api.claim(body);
              // A claim is refused exactly when every use is taken.
              expect(res.status).toBe(live.length < usage ? 200 : 400);
              if (res.status === 200) live.push(res.body.id);
              else expect(res.body.error.errors[0].code).toBe('code_used_up');
            } else if (live.length > 0) {
              const id = live.splice(step % live.length, 1)[0]!;
              expect((await api.release(id)).status).toBe(200);
            }
            const [row] = (await api.listCodes(did)).body;
            expect(row.used).toBe(live.length);
            expect(row.used).toBeLessThanOrEqual(usage);
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
