import { describe, expect, it } from 'vitest';
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
});
