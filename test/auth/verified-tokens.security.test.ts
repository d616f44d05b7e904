import { afterEach, describe, expect, it, vi } from 'vitest';
import { issueToken, TOKEN_LIFETIME_SECONDS, verifyToken } from '../../functions/auth/jwt';
import { AID, BASE } from '../helpers';

/**
 * The isolate remembers tokens it verified (functions/auth/jwt.ts): that memory must never let a
 * token through that a fresh verification would refuse.
 */
const SECRET = 'a-jwt-secret-for-the-verified-token-memory-0123';
const OTHER = 'another-jwt-secret-of-at-least-32-bytes-456789';
const claims = { sub: 'pos', aud: `${BASE}/v1/accounts/${AID}`, aid: AID, scopes: ['admin:discounts' as const] };

afterEach(() => vi.useRealTimers());

describe('verified tokens remembered per isolate', () => {
  it('a remembered token is refused from the second its exp passes', async () => {
    const now = Math.floor(Date.now() / 1000);
    // Issued so that it expires 10 s from now.
    const token = await issueToken(SECRET, claims, now - TOKEN_LIFETIME_SECONDS + 10);
    expect((await verifyToken(SECRET, token)).sub).toBe('pos');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime((now + 9) * 1000);
    expect((await verifyToken(SECRET, token)).sub).toBe('pos');
    vi.setSystemTime((now + 10) * 1000);
    await expect(verifyToken(SECRET, token)).rejects.toMatchObject({ status: 401 });
  });

  it('a token remembered under one secret is refused under another', async () => {
    const token = await issueToken(SECRET, claims);
    expect((await verifyToken(SECRET, token)).aid).toBe(AID);
    await expect(verifyToken(OTHER, token)).rejects.toMatchObject({ status: 401 });
    await expect(verifyToken([OTHER], token)).rejects.toMatchObject({ status: 401 });
    expect((await verifyToken([OTHER, SECRET], token)).aid).toBe(AID);
  });
});
