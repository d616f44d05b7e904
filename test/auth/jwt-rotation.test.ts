import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import app from '../../functions/app';
import { issueToken, verificationSecrets } from '../../functions/auth/jwt';
import { AID, BASE } from '../helpers';

/** Rotating JWT_SECRET without downtime (docs/deploy.md, "Rotating secrets"). */
const OLD = 'the-jwt-secret-before-the-rotation-0123456789';
const NEW = 'the-jwt-secret-after-the-rotation-9876543210';

/** The Worker as deployed with these secrets (the rest of the bindings as in the tests). */
async function fetchWith(secrets: Record<string, string | undefined>, path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(BASE + path, init), { ...env, ...secrets }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}
const tokenFor = (secret: string) =>
  issueToken(secret, { sub: 'pos', aud: `${BASE}/v1/accounts/${AID}`, aid: AID, scopes: ['admin:discounts'] });
const listRules = (secrets: Record<string, string | undefined>, token: string) =>
  fetchWith(secrets, `/v1/accounts/${AID}/discounts/rules`, { headers: { authorization: `Bearer ${token}` } });

describe('JWT_SECRET_PREVIOUS', () => {
  it('keeps tokens signed with the previous secret valid while new ones are signed with the current', async () => {
    const before = await tokenFor(OLD);
    const rotating = { JWT_SECRET: NEW, JWT_SECRET_PREVIOUS: OLD };
    expect((await listRules({ JWT_SECRET: OLD }, before)).status).toBe(200);
    expect((await listRules(rotating, before)).status).toBe(200);
    expect((await listRules(rotating, await tokenFor(NEW))).status).toBe(200);

    // A token issued during the rotation is signed with the new secret only.
    const basic = btoa(`${env.BOOTSTRAP_CLIENT_ID}:${env.BOOTSTRAP_CLIENT_SECRET}`);
    const issued = await fetchWith(rotating, `/v1/accounts/${AID}/auth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', audience: `${BASE}/v1/accounts/${AID}` }),
    });
    const { access_token } = (await issued.json()) as { access_token: string };
    expect((await listRules({ JWT_SECRET: NEW }, access_token)).status).toBe(200);
    expect((await listRules({ JWT_SECRET: OLD }, access_token)).status).toBe(401);

    // Rotation finished (previous removed): old tokens are refused.
    const after = await listRules({ JWT_SECRET: NEW, JWT_SECRET_PREVIOUS: undefined }, before);
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('invalid_token');
  });

  it('is ignored when shorter than 32 bytes, like JWT_SECRET', () => {
    expect(verificationSecrets({ JWT_SECRET: NEW, JWT_SECRET_PREVIOUS: 'short' })).toEqual([NEW]);
    expect(verificationSecrets({ JWT_SECRET: NEW, JWT_SECRET_PREVIOUS: NEW })).toEqual([NEW]);
    expect(verificationSecrets({ JWT_SECRET: NEW, JWT_SECRET_PREVIOUS: OLD })).toEqual([NEW, OLD]);
  });
});
