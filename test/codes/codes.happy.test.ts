import { beforeAll, describe, expect, it } from 'vitest';
import { CODE_ALPHABET, GENERATED_LENGTH } from '../../shared/schemas/codes';
import { claimOf, codesApi } from './helpers';

let api: Awaited<ReturnType<typeof codesApi>>;
beforeAll(async () => {
  api = await codesApi('T23000001');
});

describe('code pools: generate, import, list, delete', () => {
  it('generates unguessable codes with the prefix, without look-alikes', async () => {
    const did = await api.rule();
    const res = await api.addCodes(did, { count: 50, prefix: 'NEWS-', usage: 2 });
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(50);
    expect(new Set(res.body.codes).size).toBe(50);
    const pattern = new RegExp(`^NEWS-[${CODE_ALPHABET}]{${GENERATED_LENGTH}}$`);
    for (const code of res.body.codes) expect(code).toMatch(pattern);
    // At least 40 bits after the prefix.
    expect(GENERATED_LENGTH * Math.log2(CODE_ALPHABET.length)).toBeGreaterThanOrEqual(40);
    expect(CODE_ALPHABET).not.toMatch(/[01OIL]/);
    const list = await api.listCodes(did, '?limit=1000');
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(50);
    expect(list.body[0]).toEqual({
      code: [...res.body.codes].sort()[0],
      usage: 2,
      used: 0,
      created_at: expect.any(String),
      last_used_at: null,
    });
  });

  it('imports given codes once (usage defaults to 1), pages in code order and deletes', async () => {
    const did = await api.rule();
    const res = await api.addCodes(did, { codes: ['C3', 'A1', 'B2', 'A1'] });
    expect(res.body).toEqual({ created: 3, codes: ['C3', 'A1', 'B2'] });
    const again = await api.addCodes(did, { codes: ['A1', 'D4'] });
    expect(again.body).toEqual({ created: 1, codes: ['D4'] });
    const page1 = await api.listCodes(did, '?limit=2');
    expect(page1.body.map((c: { code: string }) => c.code)).toEqual(['A1', 'B2']);
    expect(page1.body[0].usage).toBe(1);
    const page2 = await api.listCodes(did, '?limit=2&starting_after=B2');
    expect(page2.body.map((c: { code: string }) => c.code)).toEqual(['C3', 'D4']);
    const del = await api.deleteCode(did, 'B2');
    expect(del.status).toBe(200);
    expect(del.body.code).toBe('B2');
    expect((await api.deleteCode(did, 'B2')).status).toBe(404);
    expect((await api.listCodes(did)).body.map((c: { code: string }) => c.code)).toEqual(['A1', 'C3', 'D4']);
  });
});

describe('a pool rule on receipts and claims', () => {
  it('applies only with one of its codes, says which, and a claim takes one use', async () => {
    const did = await api.poolRule(['SPRING-1', 'SPRING-2']);
    expect((await api.evaluate(api.receipt(undefined))).body.discounts).toEqual([]);
    expect((await api.evaluate(api.receipt(['NOPE']))).body.discounts).toEqual([]);
    const hit = await api.evaluate(api.receipt(['x', 'SPRING-2']));
    expect(hit.status).toBe(200);
    expect(hit.body.discounts).toHaveLength(1);
    expect(hit.body.discounts[0]).toMatchObject({ id: did, code: 'SPRING-2' });
    expect(hit.body.items[0].discount_lines[0].amount).toBe(10000);

    const claim = await api.claim(claimOf(hit.body));
    expect(claim.status).toBe(200);
    expect(claim.body.discounts[0].code).toBe('SPRING-2');
    const used = (await api.listCodes(did, '?state=used')).body;
    expect(used).toEqual([
      expect.objectContaining({ code: 'SPRING-2', usage: 1, used: 1, last_used_at: expect.any(String) }),
    ]);
    expect((await api.listCodes(did, '?state=available')).body.map((c: { code: string }) => c.code)).toEqual([
      'SPRING-1',
    ]);
    // Used up: no longer offered.
    expect((await api.evaluate(api.receipt(['SPRING-2']))).body.discounts).toEqual([]);
    const second = await api.claim(claimOf(hit.body));
    expect(second.status).toBe(400);
    expect(second.body.error.errors).toEqual([
      expect.objectContaining({ field: 'discounts.0.code', code: 'code_used_up' }),
    ]);

    // A release gives the use back.
    expect((await api.release(claim.body.id)).status).toBe(200);
    expect((await api.listCodes(did, '?state=available')).body).toHaveLength(2);
    expect((await api.evaluate(api.receipt(['SPRING-2']))).body.discounts[0].code).toBe('SPRING-2');
    // Releasing twice gives nothing more back.
    await api.release(claim.body.id);
    expect(
      (await api.listCodes(did, '?state=all')).body.find((c: { code: string }) => c.code === 'SPRING-2').used,
    ).toBe(0);
  });

  it('a code with usage 2 is offered for two purchases, not three', async () => {
    const did = await api.poolRule(['TWICE'], 2);
    for (let i = 0; i < 2; i++) {
      const hit = await api.evaluate(api.receipt(['TWICE']));
      expect(hit.body.discounts[0]?.code).toBe('TWICE');
      expect((await api.claim(claimOf(hit.body))).status).toBe(200);
    }
    expect((await api.evaluate(api.receipt(['TWICE']))).body.discounts).toEqual([]);
    expect((await api.listCodes(did)).body[0]).toMatchObject({ usage: 2, used: 2 });
  });

  it('refuses a pool rule without a code or with an unknown one, and a code on a rule without a pool', async () => {
    const did = await api.poolRule(['P-1']);
    const hit = await api.evaluate(api.receipt(['P-1']));
    const { code: _c, ...withoutCode } = claimOf(hit.body).discounts[0]!;
    const none = await api.claim({ ...claimOf(hit.body), discounts: [withoutCode] });
    expect(none.status).toBe(400);
    expect(none.body.error.errors[0]).toMatchObject({ field: 'discounts.0.code', code: 'code_required' });
    const unknown = await api.claim({ ...claimOf(hit.body), discounts: [{ ...withoutCode, code: 'P-2' }] });
    expect(unknown.body.error.errors[0]).toMatchObject({ field: 'discounts.0.code', code: 'unknown_code' });
    // Nothing was taken by the refused claims.
    expect((await api.listCodes(did)).body[0].used).toBe(0);

    const plain = await api.rule();
    const [ref] = await api.give(plain, ['/']);
    const res = await api.claim({
      purchase_at: new Date().toISOString(),
      discounts: [{ id: plain, code: 'P-1', refs: [{ id: ref, amount: 100, usage: 1 }] }],
    });
    expect(res.body.error.errors[0]).toMatchObject({ field: 'discounts.0.code', code: 'no_code_pool' });
  });

  it('a rule keeps needing a code after its last code is deleted', async () => {
    const did = await api.poolRule(['ONLY']);
    await api.deleteCode(did, 'ONLY');
    const mine = (b: { discounts: { id: string }[] }) => b.discounts.filter((d) => d.id === did);
    expect(mine((await api.evaluate(api.receipt(['ONLY']))).body)).toEqual([]);
    expect(mine((await api.evaluate(api.receipt(undefined))).body)).toEqual([]);
  });

  it('receipt_add takes a use of the code the receipt names', async () => {
    const did = await api.poolRule(['EVT-1']);
    const receipt = api.receipt(['EVT-1']);
    expect((await api.event('receipt_add', receipt)).status).toBe(204);
    expect((await api.event('receipt_add', receipt)).status).toBe(204);
    expect((await api.listCodes(did)).body[0]).toMatchObject({ code: 'EVT-1', used: 1 });
  });
});
