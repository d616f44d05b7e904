import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import app from '../../functions/app';
import type { Scope } from '../../shared/auth/scopes';
import { BASE, ruleBody, tokenWith } from '../helpers';

export type Env = typeof env;

/** The Worker as deployed, waiting for its after-the-answer work (refreshes, purges) to finish. */
export async function fetchApp(path: string, init: RequestInit & { env?: Partial<Env> } = {}) {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(BASE + path, init), { ...env, ...init.env }, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/**
 * An account that lists its one rule, `first`, given to everyone, in the anonymous public list
 * cached for `maxAge` seconds. `write` calls the API with a token holding `scopes` (every scope
 * when undefined), with `extra` bindings added to the Worker's env.
 */
export async function publicAccount(aid: string, maxAge: number, scopes?: Scope[]) {
  const token = await tokenWith(scopes, aid);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const write = (method: string, path: string, body?: unknown, extra: Partial<Env> = {}) =>
    fetchApp(`/v1/accounts/${aid}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      env: extra,
    });
  await write('PUT', '/settings', { public_offers: { anonymous: true, max_age: maxAge } });
  const rule = await write('POST', '/discounts/rules', ruleBody({ name: 'first' }));
  await write('POST', `/discounts/rules/${rule.body.id}/customers`, { customers: ['*'] });
  const list = () => fetchApp(`/v1/accounts/${aid}/discounts/public/rules`);
  const stub = env.ACCOUNTS.getByName(aid);
  const objectCalls = () => stub.publicReadCount();
  return { stub, write, list, objectCalls, ruleId: rule.body.id as string };
}
