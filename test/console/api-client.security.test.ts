/**
 * The console's in-process calls to the API (functions/console/api.ts): every path parameter is
 * one encoded segment, so a crafted id in a console URL cannot reach another route; and the
 * client's address and request id go with the inner request, so the API's per-IP limits hold
 * for the console's sign-in too.
 */
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { segment } from '../../functions/console/api';
import { AID, call, json, ruleBody, tokenWith } from '../helpers';
import { ConsoleClient } from './helpers';

afterEach(() => vi.restoreAllMocks());

describe('segment', () => {
  it('encodes each parameter as one segment and refuses dot segments and empty ones', () => {
    expect(segment('a/../b?c#d%')).toBe('a%2F..%2Fb%3Fc%23d%25');
    expect(() => segment('..')).toThrow();
    expect(() => segment('.')).toThrow();
    expect(() => segment('')).toThrow();
    expect(segment('...')).toBe('...');
  });
});

describe('a crafted id in a console URL', () => {
  it('releasing claim "../../rules/{id}" does not delete that rule', async () => {
    const token = await tokenWith();
    const rule = await json(call('POST', `/v1/accounts/${AID}/discounts/rules`, { token, body: ruleBody() }));
    expect(rule.status).toBe(200);
    const browser = new ConsoleClient();
    await browser.signIn();
    const crafted = encodeURIComponent(`../../rules/${rule.body.id}`);
    const res = await browser.post(`/console/claims/${crafted}/release`, {});
    expect(res.status).toBe(404);
    const after = await json(call('GET', `/v1/accounts/${AID}/discounts/rules/${rule.body.id}`, { token }));
    expect(after.body.deleted_at).toBeUndefined();
  });
});

describe('what the inner request carries over', () => {
  it('/console/sign-in is held to the per-IP token limit (30 a minute), the right secret included', async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const statuses: number[] = [];
    for (let i = 0; i < 90; i++) {
      const page = await new ConsoleClient().post(
        '/console/sign-in',
        { aid: AID, client_id: crypto.randomUUID(), client_secret: 'guess' },
        { 'cf-connecting-ip': ip },
      );
      const text = await page.text();
      statuses.push(text.includes('rate_limited') || /too many/i.test(text) ? 429 : page.status);
      if (statuses.at(-1) === 429) break;
    }
    expect(statuses.at(-1), statuses.join(',')).toBe(429);
    expect(statuses.length).toBeGreaterThan(30);
    const right = await new ConsoleClient().post(
      '/console/sign-in',
      { aid: AID, client_id: env.BOOTSTRAP_CLIENT_ID!, client_secret: env.BOOTSTRAP_CLIENT_SECRET! },
      { 'cf-connecting-ip': ip },
    );
    expect(right.headers.get('set-cookie')).toBeNull();
    // Another address still signs in.
    const other = await new ConsoleClient().signIn();
    expect(other.status).toBe(303);
  });

  it('the inner API request logs under the page request id', async () => {
    const browser = new ConsoleClient();
    await browser.signIn();
    const log = vi.spyOn(console, 'log');
    const res = await browser.request('GET', '/console/rules', undefined, { 'x-request-id': 'page-trace-1' });
    expect(res.status).toBe(200);
    const lines = log.mock.calls.map((c) => JSON.parse(String(c[0]))).filter((l) => l.msg === 'request');
    const inner = lines.filter((l) => l.route?.startsWith('/v1/accounts/:aid/discounts/'));
    expect(inner.length).toBeGreaterThan(0);
    expect(inner.every((l) => l.request_id === 'page-trace-1')).toBe(true);
  });
});
