import { afterEach, describe, expect, it, vi } from 'vitest';
import { call, json, tokenWith } from '../helpers';
import { codesApi } from './helpers';

afterEach(() => vi.restoreAllMocks());

const ip = () => `10.23.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

describe('who may manage codes', () => {
  it('reading needs a read scope, generating and deleting a write scope', async () => {
    const api = await codesApi('T23000011');
    const did = await api.poolRule(['SCOPE-1']);
    const reader = await tokenWith(['read:discounts'], api.aid);
    const till = await tokenWith(['write:discounts:/available_for_receipt'], api.aid);
    expect((await api.listCodes(did, '', reader)).status).toBe(200);
    expect((await api.addCodes(did, { count: 1 }, reader)).status).toBe(403);
    expect((await api.deleteCode(did, 'SCOPE-1', reader)).status).toBe(403);
    expect((await api.listCodes(did, '', till)).status).toBe(403);
    expect((await api.listCodes(did, '')).body).toHaveLength(1);
  });
});

describe('codes stay secret', () => {
  it('never in the public list (it says a code is needed), in explanations or in the request log', async () => {
    const api = await codesApi('T23000012');
    const did = await api.poolRule(['SECRET-POOL-CODE']);
    const pub = await json(call('GET', `/v1/accounts/${api.aid}/discounts/public/rules`, { token: api.token }));
    expect(pub.status).toBe(200);
    expect(pub.body.find((r: { id: string }) => r.id === did)).toMatchObject({ requires_code: true });
    expect(JSON.stringify(pub.body)).not.toContain('SECRET-POOL-CODE');

    const till = await tokenWith(['write:discounts:/available_for_receipt'], api.aid);
    const explained = await json(
      call('POST', `${api.base}/available_for_receipt?explain=true`, {
        token: till,
        body: { ...api.receipt(['WRONG']), explain_rules: [did] },
      }),
    );
    expect(explained.status).toBe(200);
    expect(explained.body.explanations.find((e: { discount_id: string }) => e.discount_id === did)).toEqual({
      discount_id: did,
      applied: false,
      reason: 'discount_code_missing',
      field: 'codes',
      // A till cannot read rules: fields and reasons only, no `needed`/`had` (docs/explain.md, issue 21).
    });
    expect(JSON.stringify(explained.body)).not.toContain('SECRET-POOL-CODE');

    const spy = vi.spyOn(console, 'log');
    await api.deleteCode(did, 'SECRET-POOL-CODE');
    await api.evaluate(api.receipt(['SECRET-POOL-CODE']));
    const logged = spy.mock.calls.map((args) => String(args[0])).join('\n');
    expect(logged).toContain('"msg":"request"');
    expect(logged).not.toContain('SECRET-POOL-CODE');
  });
});

describe('code guessing is rate limited per account and address', () => {
  it('misses count; then codes get 429, hits too; other addresses and plain codes do not', async () => {
    const api = await codesApi('T23000013');
    await api.poolRule(['REAL-1']);
    const plain = await api.rule({
      requirement: {
        purchase_from: '2020-01-01T00:00:00Z',
        purchase_to: '2099-01-01T00:00:00Z',
        discount_code: 'PLAIN',
      },
    });
    await api.give(plain, ['/']);
    const guesser = ip();
    const evaluate = (codes: string[] | undefined, from: string) =>
      json(
        call('POST', `${api.base}/available_for_receipt`, {
          token: api.token,
          body: api.receipt(codes),
          headers: { 'cf-connecting-ip': from },
        }),
      );
    // Known codes (a pool's, a rule's own) and receipts without codes never count.
    for (let i = 0; i < 25; i++) expect((await evaluate(['PLAIN'], guesser)).status).toBe(200);
    expect((await evaluate(['REAL-1'], guesser)).status).toBe(200);
    let limited: Awaited<ReturnType<typeof evaluate>> | undefined;
    let misses = 0;
    for (; misses < 40 && !limited; misses++) {
      const res = await evaluate([`GUESS-${misses}`], guesser);
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(200);
    }
    expect(limited, 'no 429 within 40 misses').toBeDefined();
    expect(misses).toBeGreaterThan(20);
    expect(limited!.body.error.code).toBe('rate_limited');
    expect(limited!.headers.get('retry-after')).toBe('60');
    // A blocked guesser cannot tell a hit from a miss.
    expect((await evaluate(['REAL-1'], guesser)).status).toBe(429);
    // Without codes the till keeps working; another address is not affected.
    expect((await evaluate(undefined, guesser)).status).toBe(200);
    const other = await evaluate(['REAL-1'], ip());
    expect(other.status).toBe(200);
    expect(other.body.discounts[0].code).toBe('REAL-1');
  });
});
