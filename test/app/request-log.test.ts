import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RequestLine } from '../../functions/request-log';
import { AID, call, json, ruleBody, tokenWith } from '../helpers';

/** The request log lines written while `run` ran (console.log spied in the Workers pool). */
async function linesOf(run: () => Promise<unknown>): Promise<{ lines: RequestLine[]; raw: string[] }> {
  const spy = vi.spyOn(console, 'log');
  try {
    await run();
    const raw = spy.mock.calls.map((args) => String(args[0]));
    const lines = raw
      .map((l) => {
        try {
          return JSON.parse(l) as RequestLine;
        } catch {
          return undefined;
        }
      })
      .filter((l): l is RequestLine => l?.msg === 'request');
    return { lines, raw };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('x-request-id', () => {
  it('is generated when none is sent, on answers, errors and unknown routes alike', async () => {
    const ok = await call('GET', '/');
    const unauthorized = await call('GET', `/v1/accounts/${AID}/discounts/rules`);
    const missing = await call('GET', '/nowhere');
    expect(unauthorized.status).toBe(401);
    expect(missing.status).toBe(404);
    const ids = [ok, unauthorized, missing].map((r) => r.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(3);
  });

  it('honours a sane incoming id and replaces one that is not', async () => {
    const kept = await call('GET', '/', { headers: { 'x-request-id': 'till-7:trace.42' } });
    expect(kept.headers.get('x-request-id')).toBe('till-7:trace.42');
    for (const bad of ['has spaces', 'x'.repeat(129), '<script>']) {
      const res = await call('GET', '/', { headers: { 'x-request-id': bad } });
      expect(res.headers.get('x-request-id')).not.toBe(bad);
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('the request log line', () => {
  it('is one JSON line per request: id, route pattern, status, duration, account', async () => {
    const token = await tokenWith(['admin:discounts']);
    let created: Response | undefined;
    const { lines } = await linesOf(async () => {
      created = await call('POST', `/v1/accounts/${AID}/discounts/rules`, {
        token,
        body: ruleBody(),
        headers: { 'x-request-id': 'pos-1' },
      });
    });
    expect(created!.status).toBe(200);
    expect(lines).toEqual([
      {
        level: 'info',
        msg: 'request',
        request_id: 'pos-1',
        method: 'POST',
        route: '/v1/accounts/:aid/discounts/rules',
        status: 200,
        duration_ms: expect.any(Number),
        account: AID,
      },
    ]);
    expect(lines[0]!.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('names the pattern, never the path, and carries no token, code or personal data', async () => {
    const token = await tokenWith();
    const customer = 'kari.nordmann@example.com';
    const code = 'SECRET-CODE-2026';
    const { lines, raw } = await linesOf(async () => {
      await json(
        call('POST', `/v1/accounts/${AID}/customers/users`, {
          token,
          body: { customer_id: customer, email: customer, phone_number: '+4799999999' },
        }),
      );
      await call('GET', `/v1/accounts/${AID}/customers/users/${encodeURIComponent(customer)}?code=${code}`, { token });
      await call('GET', `/v1/accounts/${AID}/discounts/rules`, { token: 'not-a-token' });
    });
    expect(lines.map((l) => [l.route, l.status])).toEqual([
      ['/v1/accounts/:aid/customers/users', 200],
      ['/v1/accounts/:aid/customers/users/:customer_id', 200],
      ['/v1/accounts/:aid/discounts/rules', 401],
    ]);
    const everything = raw.join('\n');
    for (const secret of [token, 'not-a-token', customer, encodeURIComponent(customer), code, '+4799999999'])
      expect(everything).not.toContain(secret);
  });

  it('has no route and no account for an unknown path', async () => {
    const { lines } = await linesOf(() => call('GET', '/nowhere/T12345678'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ route: null, status: 404, account: null });
  });
});
