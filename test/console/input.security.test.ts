import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import app from '../../functions/app';
import { issueToken } from '../../functions/auth/jwt';
import { ALL_SCOPES } from '../../shared/auth/scopes';
import { BASE, call, json, ruleBody, tokenWith } from '../helpers';
import { ConsoleClient } from './helpers';

/** Issue 21, low items on the console: what a hostile request may not turn into a 500 or a write. */
describe('a malformed form body is a 4xx', () => {
  const bodies: [string, string][] = [
    ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="aid"\r\n\r\nT1'],
    ['multipart/form-data', 'no boundary at all'],
    ['multipart/form-data; boundary=xyz', 'garbage'],
  ];
  for (const [type, body] of bodies) {
    it(`POST /console/sign-in with ${type}: ${JSON.stringify(body).slice(0, 30)}`, async () => {
      const res = await exports.default.fetch(
        new Request(`${BASE}/console/sign-in`, {
          method: 'POST',
          headers: { 'content-type': type, origin: BASE },
          body,
          redirect: 'manual',
        }),
      );
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      await res.body?.cancel();
    });
  }

  it('on a signed-in page too', async () => {
    const browser = new ConsoleClient();
    await browser.signIn();
    const res = await browser.request('POST', '/console/rules', undefined, {
      'content-type': 'multipart/form-data; boundary=xyz',
      origin: BASE,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

describe('a control character in a console path is a 4xx before anything is written', () => {
  for (const encoded of ['%0a', '%0D', '%00', '%09', '%7f', '%1F']) {
    it(`a rule id ending in ${encoded}`, async () => {
      const aid = 'T12345678';
      const token = await tokenWith(undefined, aid);
      const rule = await json(call('POST', `/v1/accounts/${aid}/discounts/rules`, { token, body: ruleBody() }));
      expect(rule.status).toBe(200);
      const browser = new ConsoleClient();
      await browser.signIn();
      const give = await browser.post(`/console/rules/${rule.body.id}${encoded}/customers`, { customers: '*' });
      expect(give.status).toBeGreaterThanOrEqual(400);
      expect(give.status).toBeLessThan(500);
      const edit = await browser.post(`/console/rules/${rule.body.id}${encoded}`, { name: 'renamed' });
      expect(edit.status).toBeGreaterThanOrEqual(400);
      expect(edit.status).toBeLessThan(500);
      const remove = await browser.post(`/console/rules/${rule.body.id}${encoded}/delete`, {});
      expect(remove.status).toBeGreaterThanOrEqual(400);
      expect(remove.status).toBeLessThan(500);
      const view = await browser.get(`/console/rules/${encoded}${rule.body.id}`);
      expect(view.status).toBeGreaterThanOrEqual(400);
      expect(view.status).toBeLessThan(500);
      // Nothing was written: no ref given, the rule neither renamed nor deleted.
      const refs = await json(call('GET', `/v1/accounts/${aid}/discounts/rules/${rule.body.id}/customers`, { token }));
      expect(refs.body).toEqual([]);
      const after = await json(call('GET', `/v1/accounts/${aid}/discounts/rules/${rule.body.id}`, { token }));
      expect(after.status).toBe(200);
      expect(after.body.name).toBe(ruleBody().name);
      expect(after.body.deleted_at).toBeUndefined();
    });
  }

  it('a claim id with a control character is a 4xx too', async () => {
    const browser = new ConsoleClient();
    await browser.signIn();
    const res = await browser.post('/console/claims/abc%0a/release', {});
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

describe('console sessions during a JWT_SECRET rotation', () => {
  const OLD = 'the-jwt-secret-before-the-rotation-0123456789';
  const NEW = 'the-jwt-secret-after-the-rotation-9876543210';

  async function page(secrets: Record<string, string | undefined>, cookie: string) {
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(`${BASE}/console/rules`, { headers: { cookie }, redirect: 'manual' }),
      { ...env, ...secrets },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    await res.body?.cancel();
    return res;
  }

  it('a session signed with JWT_SECRET_PREVIOUS stays signed in; after the rotation it ends', async () => {
    const aid = 'T12345678';
    const claims = { sub: env.BOOTSTRAP_CLIENT_ID!, aud: `${BASE}/v1/accounts/${aid}`, aid, scopes: [...ALL_SCOPES] };
    const cookie = `rabatt_console=${await issueToken(OLD, claims)}`;
    expect((await page({ JWT_SECRET: OLD }, cookie)).status).toBe(200);
    expect((await page({ JWT_SECRET: NEW, JWT_SECRET_PREVIOUS: OLD }, cookie)).status).toBe(200);
    const after = await page({ JWT_SECRET: NEW, JWT_SECRET_PREVIOUS: undefined }, cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/console/sign-in');
  });
});
