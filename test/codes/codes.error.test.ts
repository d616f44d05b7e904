import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_CODES_PER_CALL } from '../../shared/schemas/codes';
import { call, json } from '../helpers';
import { codesApi } from './helpers';

let api: Awaited<ReturnType<typeof codesApi>>;
beforeAll(async () => {
  api = await codesApi('T23000021');
});

const fieldsOf = (res: { body: { error: { errors?: { field: string }[] } } }) =>
  (res.body.error.errors ?? []).map((e) => e.field);

describe('bad requests name the field', () => {
  it('count, prefix, usage and codes are bounded', async () => {
    const did = await api.rule();
    const cases: [unknown, string][] = [
      [{ count: 0 }, 'count'],
      [{ count: MAX_CODES_PER_CALL + 1 }, 'count'],
      [{ count: 1.5 }, 'count'],
      [{ count: 1, prefix: 'has space' }, 'prefix'],
      [{ count: 1, prefix: 'x'.repeat(33) }, 'prefix'],
      [{ count: 1, usage: 0 }, 'usage'],
      [{ codes: [] }, 'codes'],
      [{ codes: ['ok', ''] }, 'codes.1'],
      [{ codes: ['tab\there'] }, 'codes.0'],
      [{ codes: Array.from({ length: MAX_CODES_PER_CALL + 1 }, (_, i) => `c${i}`) }, 'codes'],
    ];
    for (const [body, field] of cases) {
      const res = await api.addCodes(did, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
      expect(fieldsOf(res), JSON.stringify(body)).toContain(field);
    }
    // Exactly the limit is fine.
    expect((await api.addCodes(did, { count: MAX_CODES_PER_CALL })).body.created).toBe(MAX_CODES_PER_CALL);
    expect((await api.addCodes(did, { count: 1, usage: 1_000_000 })).status).toBe(200);
    expect((await api.addCodes(did, {})).status).toBe(400);
    expect((await api.addCodes(did, { count: 1, codes: ['A'] })).status).toBe(400);
  });

  it('unknown and deleted rules, bad list queries, unknown codes', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await api.addCodes(unknown, { count: 1 })).status).toBe(404);
    expect((await api.listCodes(unknown)).status).toBe(404);
    expect((await api.deleteCode(unknown, 'A')).status).toBe(404);
    expect((await api.addCodes('not-a-uuid', { count: 1 })).status).toBe(404);
    const did = await api.rule();
    expect((await api.deleteCode(did, 'NOPE')).status).toBe(404);
    for (const [query, field] of [
      ['?state=maybe', 'state'],
      ['?limit=0', 'limit'],
      ['?limit=1001', 'limit'],
      ['?other=1', 'other'],
    ]) {
      const res = await api.listCodes(did, query);
      expect(res.status, query).toBe(400);
      expect(fieldsOf(res)).toContain(field);
    }
    await call('DELETE', `${api.base}/rules/${did}`, { token: api.token });
    const res = await api.addCodes(did, { count: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });

  it('a claim code that is not a string of 1–255 characters is a validation error', async () => {
    const res = await json(
      call('POST', `${api.base}/available_for_receipt/claims`, {
        token: api.token,
        body: {
          purchase_at: new Date().toISOString(),
          discounts: [{ id: 'x', code: '', refs: [{ id: 'r', amount: 0, usage: 0 }] }],
        },
      }),
    );
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toContain('discounts.0.code');
  });
});
