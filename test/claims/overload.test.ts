import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import app from '../../functions/app';
import { platformError } from '../../functions/platform-errors';
import { BASE } from '../helpers';
import { accountApi, claimBody } from './helpers';

/**
 * An account object at its limit (docs/scaling.md, "At the limit"): Cloudflare's overload error
 * becomes 503 with Retry-After, and the claim is made, exactly once, when the till retries.
 */
const AID = 'T72000001';

/** The errors Cloudflare raises (properties as documented), not reachable on demand locally. */
const overloaded = () =>
  Object.assign(new Error('Durable Object is overloaded. Too many requests queued.'), {
    overloaded: true,
    retryable: false,
  });
const connectionLost = () => Object.assign(new Error('Network connection lost.'), { retryable: true });

/** The Worker with an account namespace whose every call fails like `fail`. */
async function withFailingObject(fail: () => Error, path: string, init: RequestInit) {
  const failing = new Proxy({}, { get: () => () => Promise.reject(fail()) });
  const ACCOUNTS = { ...env.ACCOUNTS, getByName: () => failing, get: () => failing } as unknown as typeof env.ACCOUNTS;
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(BASE + path, init), { ...env, ACCOUNTS }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe('platformError', () => {
  it('maps overload to 503 account_overloaded, transient errors to 503 temporarily_unavailable', () => {
    expect(platformError(overloaded())).toMatchObject({
      status: 503,
      retryAfter: 2,
      body: { code: 'account_overloaded' },
    });
    // Older runtimes carry the message only.
    expect(platformError(new Error('Error: Durable Object is overloaded. Requests queued for too long.'))?.status).toBe(
      503,
    );
    expect(platformError(connectionLost())).toMatchObject({ retryAfter: 1, body: { code: 'temporarily_unavailable' } });
    expect(platformError(new Error('a bug'))).toBeUndefined();
    expect(platformError('overloaded')).toBeUndefined();
  });
});

describe('a claim while the account object is overloaded', () => {
  it('answers 503 with Retry-After, then the same ref claims exactly once', async () => {
    const api = await accountApi(AID);
    const did = await api.rule({ limitation: { discount_repeat_usage: 5 } });
    const [refId] = await api.give(did, ['*']);
    const body = { ...claimBody(did, refId!, 'member-1'), ref: 'till-3-0042' };
    const init = {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };

    for (const fail of [overloaded, connectionLost]) {
      const refused = await withFailingObject(fail, `/v1/accounts/${AID}/discounts/available_for_receipt/claims`, init);
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(refused.headers.get('x-request-id')).toBeTruthy();
      const { error } = (await refused.json()) as { error: { code: string; message: string } };
      expect(['account_overloaded', 'temporarily_unavailable']).toContain(error.code);
    }
    expect((await api.claims()).body).toHaveLength(0);

    // The till retries the same claim: made once, and once only.
    const first = await api.claim(body);
    const again = await api.claim(body);
    expect(first.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect((await api.claims()).body).toHaveLength(1);
    expect((await api.ruleStats(did)).usage).toBe(1);
  });
});
