import { env } from 'cloudflare:workers';
import { sign } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { AID, BASE, bootstrapToken, call, json, tokenWith } from '../helpers';

const basic = (id: string, secret: string) => `Basic ${btoa(`${id}:${secret}`)}`;
const tokenRequest = (aid = AID) => ({ grant_type: 'client_credentials', audience: `${BASE}/v1/accounts/${aid}` });
const rulesPath = (aid = AID) => `/v1/accounts/${aid}/discounts/rules`;

describe('POST /auth/token', () => {
  it('issues a 24 h HS256 token with every scope to the bootstrap client', async () => {
    const res = await json(
      call('POST', `/v1/accounts/${AID}/auth/token`, {
        headers: { authorization: basic(env.BOOTSTRAP_CLIENT_ID!, env.BOOTSTRAP_CLIENT_SECRET!) },
        body: tokenRequest(),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
    expect(res.body.expires_in).toBe(86400);
    const [header, payload] = res.body.access_token
      .split('.')
      .slice(0, 2)
      .map((p: string) => JSON.parse(atob(p.replace(/-/g, '+').replace(/_/g, '/'))));
    expect(header.alg).toBe('HS256');
    expect(payload.aid).toBe(AID);
    expect(payload.sub).toBe(env.BOOTSTRAP_CLIENT_ID);
    expect(payload.exp - payload.iat).toBe(86400);
    expect(payload.scopes).toContain('admin:discounts');
    expect(payload.scopes).toContain('admin:customers');
  });

  it('refuses a wrong secret, an unknown client and missing credentials with 401', async () => {
    for (const authorization of [
      basic(env.BOOTSTRAP_CLIENT_ID!, 'wrong'),
      basic('nobody', 'x'),
      undefined,
      'Basic !!!',
    ]) {
      const res = await json(
        call('POST', `/v1/accounts/${AID}/auth/token`, {
          headers: authorization ? { authorization } : {},
          body: tokenRequest(),
        }),
      );
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_client');
    }
  });

  it('validates grant_type and an audience for this account', async () => {
    const headers = { authorization: basic(env.BOOTSTRAP_CLIENT_ID!, env.BOOTSTRAP_CLIENT_SECRET!) };
    const wrongGrant = await json(
      call('POST', `/v1/accounts/${AID}/auth/token`, { headers, body: { ...tokenRequest(), grant_type: 'password' } }),
    );
    expect(wrongGrant.status).toBe(400);
    expect(wrongGrant.body.error.errors[0].field).toBe('grant_type');
    const otherAccount = await json(
      call('POST', `/v1/accounts/${AID}/auth/token`, { headers, body: tokenRequest('T99999999') }),
    );
    expect(otherAccount.status).toBe(400);
    expect(otherAccount.body.error.errors[0].field).toBe('audience');
  });
});

describe('bearer tokens on account routes', () => {
  it('401 for a missing, malformed, expired or wrongly-signed token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'rabatt', sub: 'c', aud: 'x', aid: AID, scopes: ['admin:discounts'] };
    const expired = await sign({ ...claims, iat: now - 100000, exp: now - 10 }, env.JWT_SECRET!, 'HS256');
    const forged = await sign(
      { ...claims, iat: now, exp: now + 100 },
      'another-secret-that-is-long-enough-000000',
      'HS256',
    );
    const cases: (string | undefined)[] = [
      undefined,
      'Bearer',
      'Bearer not-a-jwt',
      'Basic abc',
      `Bearer ${expired}`,
      `Bearer ${forged}`,
    ];
    for (const authorization of cases) {
      const res = await json(call('GET', rulesPath(), { headers: authorization ? { authorization } : {} }));
      expect(res.status, String(authorization)).toBe(401);
      expect(res.body.error.code).toMatch(/unauthorized|invalid_token/);
    }
  });

  it('403 when the scope is missing, and for another account', async () => {
    const readOnly = await tokenWith(['read:discounts']);
    expect((await call('GET', rulesPath(), { token: readOnly })).status).toBe(200);
    const write = await json(call('POST', rulesPath(), { token: readOnly, body: {} }));
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('forbidden');
    const customersOnly = await tokenWith(['admin:customers']);
    expect((await call('GET', rulesPath(), { token: customersOnly })).status).toBe(403);
    const otherAccount = await tokenWith(['admin:discounts'], 'T87654321');
    const res = await json(call('GET', rulesPath(), { token: otherAccount }));
    expect(res.status).toBe(403);
  });
});

describe('API clients', () => {
  it('creates a client whose secret is shown once, issues tokens with its scopes, and stops after revoke', async () => {
    const admin = await bootstrapToken();
    const created = await json(
      call('POST', `/v1/accounts/${AID}/auth/clients`, {
        token: admin,
        body: { name: 'pos', scopes: ['read:discounts'] },
      }),
    );
    expect(created.status).toBe(200);
    const { client_id, client_secret } = created.body;
    expect(client_secret).toMatch(/^[0-9a-f]{64}$/);

    const listed = await json(call('GET', `/v1/accounts/${AID}/auth/clients`, { token: admin }));
    const mine = listed.body.find((c: { client_id: string }) => c.client_id === client_id);
    expect(mine).toMatchObject({ name: 'pos', scopes: ['read:discounts'] });
    expect(JSON.stringify(listed.body)).not.toContain(client_secret);

    const issued = await json(
      call('POST', `/v1/accounts/${AID}/auth/token`, {
        headers: { authorization: basic(client_id, client_secret) },
        body: tokenRequest(),
      }),
    );
    expect(issued.status).toBe(200);
    const token = issued.body.access_token;
    expect((await call('GET', rulesPath(), { token })).status).toBe(200);
    expect((await call('POST', rulesPath(), { token, body: {} })).status).toBe(403);

    const wrong = await call('POST', `/v1/accounts/${AID}/auth/token`, {
      headers: { authorization: basic(client_id, 'f'.repeat(64)) },
      body: tokenRequest(),
    });
    expect(wrong.status).toBe(401);

    // The client belongs to one account: its credentials mean nothing elsewhere.
    const elsewhere = await call('POST', `/v1/accounts/T11111111/auth/token`, {
      headers: { authorization: basic(client_id, client_secret) },
      body: tokenRequest('T11111111'),
    });
    expect(elsewhere.status).toBe(401);

    const revoked = await json(call('DELETE', `/v1/accounts/${AID}/auth/clients/${client_id}`, { token: admin }));
    expect(revoked.status).toBe(200);
    expect(revoked.body.deleted_at).toBeTruthy();
    const after = await call('POST', `/v1/accounts/${AID}/auth/token`, {
      headers: { authorization: basic(client_id, client_secret) },
      body: tokenRequest(),
    });
    expect(after.status).toBe(401);
  });

  it('only admins manage clients; scopes are validated', async () => {
    const writer = await tokenWith(['write:discounts']);
    expect((await call('GET', `/v1/accounts/${AID}/auth/clients`, { token: writer })).status).toBe(403);
    const admin = await tokenWith(['admin:discounts']);
    const bad = await json(
      call('POST', `/v1/accounts/${AID}/auth/clients`, { token: admin, body: { name: 'x', scopes: ['root'] } }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.errors[0].field).toBe('scopes.0');
    expect((await call('DELETE', `/v1/accounts/${AID}/auth/clients/unknown`, { token: admin })).status).toBe(404);
  });
});

describe('JWT_SECRET', () => {
  it('is refused when unset or shorter than 32 bytes, so no token is issued or accepted with it', async () => {
    const { signingSecret } = await import('../../functions/auth/jwt');
    const { errorAnswer } = await import('../../functions/errors');
    for (const secret of [undefined, '', 'x'.repeat(31), 'æ'.repeat(15)]) {
      let thrown: unknown;
      try {
        signingSecret(secret);
      } catch (err) {
        thrown = err;
      }
      expect(errorAnswer(thrown)?.status, String(secret)).toBe(503);
    }
    // 32 bytes, counted as UTF-8: 16 two-byte letters are enough.
    expect(signingSecret('x'.repeat(32))).toBe('x'.repeat(32));
    expect(signingSecret('æ'.repeat(16))).toBe('æ'.repeat(16));
  });
});

describe('list defaults', () => {
  it('lists 10 when no limit is given', async () => {
    const aid = 'T20000008';
    const token = await tokenWith(undefined, aid);
    for (let i = 0; i < 12; i++) {
      expect(
        (
          await call('POST', `/v1/accounts/${aid}/discounts/rules`, {
            token,
            body: {
              requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' },
              reward: { type: 'discount_amount', value: i },
            },
          })
        ).status,
      ).toBe(200);
      expect(
        (await call('POST', `/v1/accounts/${aid}/customers/users`, { token, body: { customer_id: `c-${i}` } })).status,
      ).toBe(200);
    }
    expect((await json(call('GET', `/v1/accounts/${aid}/discounts/rules`, { token }))).body).toHaveLength(10);
    expect((await json(call('GET', `/v1/accounts/${aid}/customers/users`, { token }))).body).toHaveLength(10);
  });
});
