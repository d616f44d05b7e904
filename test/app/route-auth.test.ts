import { describe, expect, it } from 'vitest';
import { ALL_SCOPES, type Scope } from '../../shared/auth/scopes';
import { env } from 'cloudflare:workers';
import { issueToken } from '../../functions/auth/jwt';
import { BASE, call, json, tokenWith } from '../helpers';

/** What every path id is filled with. */
const PATH_ID = '3c90c3cc-0d44-4b50-8888-8dd25736052a';

type Operation = { security?: Record<string, string[]>[] };

/** Every operation the document says needs a bearer token, with its path filled in. */
async function bearerOperations(aid: string) {
  const doc = await json<{ paths: Record<string, Record<string, Operation>> }>(call('GET', '/openapi.json'));
  const ops: { method: string; path: string; scopes: Scope[] }[] = [];
  for (const [template, methods] of Object.entries(doc.body.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!op.security?.some((s) => 'bearerAuth' in s)) continue;
      const path = template.replace('{aid}', aid).replace(/\{[a-z_]+\}/g, PATH_ID);
      const scopes = op.security.flatMap((s) => s.bearerAuth ?? []) as Scope[];
      ops.push({ method: method.toUpperCase(), path, scopes });
    }
  }
  return ops;
}

describe('every bearer route checks the token before anything else', () => {
  it('401 without a token, 403 with a token for another account', async () => {
    const aid = 'T20000006';
    const ops = await bearerOperations(aid);
    expect(ops.length).toBeGreaterThan(40);
    const otherAccount = await tokenWith(undefined, 'T20000007');
    const failures: string[] = [];
    for (const { method, path } of ops) {
      const body = ['POST', 'PUT', 'DELETE'].includes(method) ? {} : undefined;
      const anonymous = await call(method, path, { body });
      if (anonymous.status !== 401) failures.push(`${method} ${path} without a token: ${anonymous.status}`);
      const foreign = await call(method, path, { body, token: otherAccount });
      if (foreign.status !== 403) failures.push(`${method} ${path} with another account's token: ${foreign.status}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('the scopes an operation documents are the scopes it enforces', () => {
  it('a token without any documented scope is refused; each documented scope alone is let through', async () => {
    const aid = 'T20000008';
    const ops = await bearerOperations(aid);
    const tokens = new Map<string, Promise<string>>();
    const token = (scopes: Scope[]) => {
      const key = [...scopes].sort().join(' ');
      // A user:discounts client is bound to one customer (docs/security.md): the one in the path.
      const bound = key === 'user:discounts';
      const audience = `${BASE}/v1/accounts/${aid}`;
      if (!tokens.has(key))
        tokens.set(
          key,
          bound
            ? issueToken(env.JWT_SECRET!, { sub: 'test-client', aud: audience, aid, scopes, customer_id: PATH_ID })
            : tokenWith(scopes, aid),
        );
      return tokens.get(key)!;
    };
    const failures: string[] = [];
    for (const { method, path, scopes } of ops) {
      if (scopes.length === 0) failures.push(`${method} ${path} documents no scope`);
      const body = ['POST', 'PUT', 'DELETE'].includes(method) ? {} : undefined;
      const others = ALL_SCOPES.filter((s) => !scopes.includes(s));
      const lacking = await json(call(method, path, { body, token: await token(others) }));
      if (lacking.status !== 403 || !String(lacking.body?.error?.message).includes(scopes.join(', '))) {
        failures.push(`${method} ${path} with every scope but ${scopes.join(', ')}: ${lacking.status}`);
      }
      for (const scope of scopes) {
        const res = await call(method, path, { body, token: await token([scope]) });
        if (res.status === 401 || res.status === 403) failures.push(`${method} ${path} with ${scope}: ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
