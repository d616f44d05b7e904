import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { issueToken } from '../../functions/auth/jwt';
import { ALL_SCOPES } from '../../shared/auth/scopes';
import { AID, BASE } from '../helpers';
import { ConsoleClient } from './helpers';

describe('console session', () => {
  it('signs in with the bootstrap client into an HttpOnly, SameSite=Strict cookie and out again', async () => {
    const browser = new ConsoleClient();
    expect((await browser.get('/console/rules')).headers.get('location')).toBe('/console/sign-in');
    const res = await browser.signIn();
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/rules');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^rabatt_console=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/console/);
    expect(cookie).toMatch(/Max-Age=3600/);
    const rules = await browser.get('/console/rules');
    expect(rules.status).toBe(200);
    expect(await rules.text()).toContain('Account T12345678');
    expect((await browser.post('/console/sign-out', {})).status).toBe(303);
    expect(browser.cookie).toBe('');
    const after = await browser.get('/console/rules');
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/console/sign-in');
  });

  it('refuses a wrong secret with the API message', async () => {
    const browser = new ConsoleClient();
    const res = await browser.signIn(undefined, 'wrong-secret');
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('Unknown client or wrong secret');
    expect(browser.cookie).toBe('');
  });

  it('refuses a session token older than an hour, though the API would still take it', async () => {
    const browser = new ConsoleClient();
    const claims = { sub: 'test-client', aud: `${BASE}/v1/accounts/${AID}`, aid: AID, scopes: [...ALL_SCOPES] };
    const now = Math.floor(Date.now() / 1000);
    browser.cookie = `rabatt_console=${await issueToken(env.JWT_SECRET!, claims, now - 3500)}`;
    expect((await browser.get('/console/rules')).status).toBe(200);
    browser.cookie = `rabatt_console=${await issueToken(env.JWT_SECRET!, claims, now - 3601)}`;
    const old = await browser.get('/console/rules');
    expect(old.status).toBe(303);
    expect(old.headers.get('location')).toBe('/console/sign-in');
    browser.cookie = 'rabatt_console=not-a-token';
    expect((await browser.get('/console/claims')).headers.get('location')).toBe('/console/sign-in');
  });
});
