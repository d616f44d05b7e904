import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  signatureDigest,
  signatureHeader,
  signedText,
  verifySignature,
} from '../../shared/auth/signature';

// The vector of spec §5.
const VECTOR = {
  secret: '123',
  t: '1582236537',
  account: 'P00000000',
  url: new URL('https://example.com/callback?B=123&A=992'),
  text: '1582236537\nP00000000\nGET\nexample.com\n/callback\nA=992&B=123',
  digest: '6bed2ab1b919d460ef7465a20dc6c97260dca73fab6647106ca525f0908df64a',
};

describe('Dintero-Signature', () => {
  it('signs the spec vector exactly', async () => {
    expect(signedText(VECTOR.t, VECTOR.account, 'get', VECTOR.url)).toBe(VECTOR.text);
    expect(await signatureDigest(VECTOR.secret, VECTOR.t, VECTOR.account, 'GET', VECTOR.url)).toBe(VECTOR.digest);
    const header = `t=${VECTOR.t},v0-hmac-sha256=${VECTOR.digest}`;
    expect(
      await verifySignature(header, VECTOR.secret, VECTOR.account, 'GET', VECTOR.url, Number(VECTOR.t) + 10),
    ).toMatchObject({ ok: true, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('sorts parameters by name, keeps repeated names in order, writes spaces as +', () => {
    expect(canonicalQuery(new URL('https://x.test/p?b=2&a=z&a=y&c=hello%20world&d=a+b'))).toBe(
      'a=z&a=y&b=2&c=hello+world&d=a+b',
    );
    expect(canonicalQuery(new URL('https://x.test/p'))).toBe('');
  });

  it(
    'refuses a wrong secret, a missing or malformed header, ' + 'a stale or future timestamp, a tampered query',
    async () => {
      const now = 1_700_000_000;
      const url = new URL(
        'https://rabatt.test/v1/accounts/T00000001/checkout/callback' +
          '?transaction_id=T00000001.tx1&session_id=T00000001.s1',
      );
      const header = await signatureHeader('the-right-secret-123', 'T00000001', 'GET', url, now);
      const check = (
        h: string | null,
        opts: { secret?: string; at?: number; u?: URL; method?: string; account?: string } = {},
      ) =>
        verifySignature(
          h,
          opts.secret ?? 'the-right-secret-123',
          opts.account ?? 'T00000001',
          opts.method ?? 'GET',
          opts.u ?? url,
          opts.at ?? now,
        );
      expect(await check(header)).toMatchObject({ ok: true, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(await check(header, { secret: 'the-wrong-secret-123' })).toEqual({ ok: false, reason: 'mismatch' });
      expect(await check(null)).toEqual({ ok: false, reason: 'missing' });
      expect(await check('v0-hmac-sha256=abc')).toEqual({ ok: false, reason: 'malformed' });
      expect(await check(header, { at: now + 301 })).toEqual({ ok: false, reason: 'stale' });
      expect(await check(header, { at: now - 301 })).toEqual({ ok: false, reason: 'stale' });
      expect(await check(header, { at: now + 300 })).toMatchObject({
        ok: true,
        digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      const tampered = new URL(url);
      tampered.searchParams.set('transaction_id', 'T00000001.tx2');
      expect(await check(header, { u: tampered })).toEqual({ ok: false, reason: 'mismatch' });
      expect(await check(header, { method: 'POST' })).toEqual({ ok: false, reason: 'mismatch' });
      expect(await check(header, { account: 'T00000002' })).toEqual({ ok: false, reason: 'mismatch' });
    },
  );

  it('accepts any one of several v0 digests (secret rotation)', async () => {
    const url = new URL('https://x.test/cb?a=1');
    const good = (await signatureHeader('new-secret-0123456789', 'P00000001', 'GET', url, 1000)).split(',')[1];
    expect(
      await verifySignature(
        `t=1000,v0-hmac-sha256=${'0'.repeat(64)},${good}`,
        'new-secret-0123456789',
        'P00000001',
        'GET',
        url,
        1000,
      ),
    ).toMatchObject({ ok: true, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});
