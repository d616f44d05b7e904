import { listDurableObjectIds } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { BASE, call, json, tokenWith } from '../helpers';

/** `/auth/token` against brute force and storage cost (issue 14, docs/security.md). */
const basic = (id: string, secret: string) => `Basic ${btoa(`${id}:${secret}`)}`;
const tokenRequest = (aid: string) => ({ grant_type: 'client_credentials', audience: `${BASE}/v1/accounts/${aid}` });
const someIp = () => `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;

function askToken(aid: string, id: string, secret: string, ip?: string) {
  return call('POST', `/v1/accounts/${aid}/auth/token`, {
    headers: { authorization: basic(id, secret), ...(ip ? { 'cf-connecting-ip': ip } : {}) },
    body: tokenRequest(aid),
  });
}

async function storedAccounts(): Promise<string[]> {
  return (await listDurableObjectIds(env.ACCOUNTS)).map((id) => id.toString());
}

describe('a failed token request costs no storage (item 2)', () => {
  it('an unknown client of a never-used account is 401 and creates no account object', async () => {
    const aid = 'T71410001';
    for (const id of [crypto.randomUUID(), 'not-a-uuid', env.BOOTSTRAP_CLIENT_ID!]) {
      const res = await json(askToken(aid, id, 'wrong-secret'));
      expect(res.status, id).toBe(401);
      expect(res.body.error.code).toBe('invalid_client');
    }
    expect(await storedAccounts()).not.toContain(env.ACCOUNTS.idFromName(aid).toString());
  });

  it('a real client still gets its token, and a wrong secret for it is still 401', async () => {
    const aid = 'T71410002';
    const admin = await tokenWith(['admin:discounts', 'read:discounts'], aid);
    const created = await json(
      call('POST', `/v1/accounts/${aid}/auth/clients`, {
        token: admin,
        body: { name: 'pos', scopes: ['read:discounts'] },
      }),
    );
    expect(created.status).toBe(200);
    const ok = await json(askToken(aid, created.body.client_id, created.body.client_secret));
    expect(ok.status).toBe(200);
    expect(ok.body.token_type).toBe('Bearer');
    expect((await askToken(aid, created.body.client_id, 'f'.repeat(64))).status).toBe(401);
  });
});

describe('rate limits on /auth/token (item 8)', () => {
  it('per client id: 10 a minute, then 429 with Retry-After, from any address', async () => {
    const aid = 'T71410003';
    const clientId = crypto.randomUUID();
    const statuses: number[] = [];
    let limited: Response | undefined;
    // A fixed window may roll over once mid-loop: at most 2 × 10 pass before a 429.
    for (let i = 0; i < 40 && !limited; i++) {
      const res = await askToken(aid, clientId, `guess-${i}`, someIp());
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else await res.body?.cancel();
    }
    expect(limited, `statuses: ${statuses.join(',')}`).toBeDefined();
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(10);
    const retry = Number(limited!.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    const body = (await limited!.json()) as { error: { code: string } };
    expect(body.error.code).toBe('rate_limited');
    // Another client is not affected.
    expect((await askToken(aid, crypto.randomUUID(), 'x', someIp())).status).toBe(401);
  });

  it('per IP: 30 a minute across client ids, then 429', async () => {
    const aid = 'T71410004';
    const ip = someIp();
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 90 && !limited; i++) {
      const res = await askToken(aid, crypto.randomUUID(), 'guess', ip);
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else await res.body?.cancel();
    }
    expect(limited, `statuses: ${statuses.join(',')}`).toBeDefined();
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(30);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    await limited!.body?.cancel();
    // Even the right credentials wait: the limit is checked before the secret.
    const right = await askToken(aid, env.BOOTSTRAP_CLIENT_ID!, env.BOOTSTRAP_CLIENT_SECRET!, ip);
    expect(right.status).toBe(429);
  });
});
