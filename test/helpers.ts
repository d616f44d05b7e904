import { env, exports } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { issueToken } from '../functions/auth/jwt';
import { contentVersion } from '../shared/store/migrations';
import { ALL_SCOPES, type Scope } from '../shared/auth/scopes';

export const BASE = 'http://rabatt.test';
export const AID = 'T12345678';

/** Calls the Worker through its public HTTP surface. */
export function call(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  return exports.default.fetch(new Request(BASE + path, { method, headers, body }));
}

export async function json<T = any>(
  res: Response | Promise<Response>,
): Promise<{ status: number; body: T; headers: Headers }> {
  const r = await res;
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined, headers: r.headers };
}

/** A token through the real token endpoint with the bootstrap client (every scope). */
export async function bootstrapToken(aid = AID): Promise<string> {
  const res = await call('POST', `/v1/accounts/${aid}/auth/token`, {
    headers: { authorization: `Basic ${btoa(`${env.BOOTSTRAP_CLIENT_ID}:${env.BOOTSTRAP_CLIENT_SECRET}`)}` },
    body: { grant_type: 'client_credentials', audience: `${BASE}/v1/accounts/${aid}` },
  });
  const { access_token } = (await res.json()) as { access_token: string };
  return access_token;
}

/** A token with chosen scopes, signed like the server signs them. */
export function tokenWith(scopes: Scope[] = [...ALL_SCOPES], aid = AID, clientId = 'test-client'): Promise<string> {
  return issueToken(env.JWT_SECRET!, { sub: clientId, aud: `${BASE}/v1/accounts/${aid}`, aid, scopes });
}

/** A rule body that is valid and usable now unless overridden. */
export function ruleBody(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Spar 100,-',
    receipt_text: 'Mai Salg',
    requirement: { purchase_from: '2020-01-01T00:00:00Z', purchase_to: '2099-01-01T00:00:00Z' },
    reward: { type: 'discount_amount', value: 10000 },
    ...overrides,
  };
}

/** A stamp card: every `stamp`th coffee free; `limitation` as given (e.g. `stamp_expire_days`). */
export function stampCardRule(stamp: number, limitation?: Record<string, unknown>) {
  return {
    name: `Card of ${stamp}`,
    requirement: {
      purchase_from: '2020-01-01T00:00:00Z',
      purchase_to: '2099-01-01T00:00:00Z',
      item: { items: [{ id: 'coffee' }] },
      stamp,
    },
    reward: { type: 'discount_item_percent', value: 100 },
    ...(limitation && { limitation }),
  };
}

/** The account's content version, read inside its object: the object has no RPC method only tests call. */
export const contentVersionOf = (aid: string): Promise<number> =>
  runInDurableObject(env.ACCOUNTS.getByName(aid), (_object, state) => contentVersion(state.storage.sql));
