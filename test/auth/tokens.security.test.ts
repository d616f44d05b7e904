import { env } from 'cloudflare:workers';
import { sign } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { clientSecretMatches } from '../../functions/auth/client-secret';
import { hashSecret } from '../../shared/auth/crypto';
import { AID, BASE, call, json, tokenWith } from '../helpers';

/** Issue 21, low items on tokens and secrets (docs/security.md). */
const rules = `/v1/accounts/${AID}/discounts/rules`;
const basic = btoa(`${env.BOOTSTRAP_CLIENT_ID}:${env.BOOTSTRAP_CLIENT_SECRET}`);

describe('a token must carry exp, iss and aud of this server and account', () => {
  const now = Math.floor(Date.now() / 1000);
  const good = {
    iss: 'rabatt',
    sub: 'pos',
    aud: `${BASE}/v1/accounts/${AID}`,
    aid: AID,
    scopes: ['admin:discounts'],
    iat: now,
    exp: now + 600,
  };
  const signed = (claims: Record<string, unknown>) => sign(claims, env.JWT_SECRET!, 'HS256');

  it('the well-formed token is accepted (the cases below differ from it in one claim)', async () => {
    expect((await call('GET', rules, { token: await signed(good) })).status).toBe(200);
  });

  const { exp: _exp, ...noExp } = good;
  const { iss: _iss, ...noIss } = good;
  const { aud: _aud, ...noAud } = good;
  const cases: [string, Record<string, unknown>][] = [
    ['no exp', noExp],
    ['exp not a number', { ...good, exp: String(now + 600) }],
    ['no iss', noIss],
    ['another iss', { ...good, iss: 'someone-else' }],
    ['no aud', noAud],
    ['aud of another account', { ...good, aud: `${BASE}/v1/accounts/T99999999` }],
    ['aud not a URL', { ...good, aud: 'x' }],
    ['aud a list', { ...good, aud: [good.aud] }],
  ];
  for (const [name, claims] of cases) {
    it(`refuses a token with ${name}`, async () => {
      const res = await json(call('GET', rules, { token: await signed(claims) }));
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_token');
    });
  }
});

describe('answers carrying a secret are never stored by caches', () => {
  it('/auth/token, POST /auth/clients and POST /automations/signing_secret say Cache-Control: no-store', async () => {
    const token = await call('POST', `/v1/accounts/${AID}/auth/token`, {
      headers: { authorization: `Basic ${basic}` },
      body: { grant_type: 'client_credentials', audience: `${BASE}/v1/accounts/${AID}` },
    });
    expect(token.status).toBe(200);
    expect(token.headers.get('cache-control')).toBe('no-store');
    const admin = await tokenWith();
    const client = await call('POST', `/v1/accounts/${AID}/auth/clients`, {
      token: admin,
      body: { name: 'pos', scopes: ['read:discounts'] },
    });
    expect(client.status).toBe(200);
    expect(client.headers.get('cache-control')).toBe('no-store');
    const secret = await call('POST', `/v1/accounts/${AID}/automations/signing_secret`, { token: admin });
    expect(secret.status).toBe(200);
    expect(secret.headers.get('cache-control')).toBe('no-store');
    // A refused token request too: it answers about credentials.
    const refused = await call('POST', `/v1/accounts/${AID}/auth/token`, {
      headers: { authorization: `Basic ${btoa('nobody:nothing')}` },
      body: { grant_type: 'client_credentials', audience: `${BASE}/v1/accounts/${AID}` },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });
});

describe('timing does not tell whether a client id exists', () => {
  const counting = () => {
    const salts: string[] = [];
    const hash = (secret: string, salt: string) => {
      salts.push(salt);
      return hashSecret(secret, salt);
    };
    return { salts, hash };
  };

  it('an unknown client costs the same one hash as a known one', async () => {
    const salt = 'ab'.repeat(16);
    const stored = { salt, secret_hash: await hashSecret('right', salt) };
    const unknown = counting();
    expect(await clientSecretMatches(null, 'right', unknown.hash)).toBe(false);
    expect(unknown.salts).toHaveLength(1);
    const wrong = counting();
    expect(await clientSecretMatches(stored, 'wrong', wrong.hash)).toBe(false);
    expect(wrong.salts).toEqual([salt]);
    const right = counting();
    expect(await clientSecretMatches(stored, 'right', right.hash)).toBe(true);
    expect(right.salts).toEqual([salt]);
  });
});
