import type { Context } from 'hono';
import type { BindingsOnly } from './session';

/**
 * What the console's API handle reads of the page's request context: any context of this Worker
 * (the console's and the API's alike), by the parts it uses, not by the console's own env type.
 */
export type PageContext = Pick<Context<BindingsOnly>, 'req' | 'env' | 'executionCtx'>;

import type { FieldError } from '../../shared/errors';
import { REQUEST_ID, requestIdFor } from '../request-log';

/**
 * The console talks to the API, in process: every page action is a request to the same route a
 * client would call, with the signed-in client's own token. So the console goes through the same
 * scope guard, the same validation (field errors come back exactly as the API words them), and
 * the same work around the account object (edge copies of claims, the public-list cache, the
 * sealing of the checkout secret) as any client. It cannot do anything the client's token cannot.
 * The trade-off: one extra in-memory request per action, no network hop (it never leaves the isolate).
 */
export type ApiFetch = (request: Request, c: PageContext) => Promise<Response>;

export interface ApiProblem {
  code: string;
  message: string;
  errors?: FieldError[];
}

export type ApiAnswer<T> =
  | { ok: true; status: number; body: T; headers: Headers }
  | { ok: false; status: number; error: ApiProblem; headers: Headers };

export type Query = Record<string, string | string[] | undefined>;

declare const built: unique symbol;
/** A path below `/v1/accounts/{aid}` whose parameters are encoded: only `apiPath` makes one. */
export type ApiPath = string & { readonly [built]: true };

/**
 * A path segment that cannot be sent: `.` and `..` (also as `%2e`) are dot segments the URL
 * parser resolves, so `claims/../../rules/{id}` would reach another route; an empty one would
 * name the collection instead of a member.
 */
const UNSENDABLE = /^(?:|\.|\.\.)$/;

/** What `apiPath` makes of a parameter no route could have: `call` answers 404 without a request. */
const NO_SUCH_PATH = '\u0000' as ApiPath;

/**
 * `apiPath\`/discounts/rules/${id}/customers\``: every interpolated value is one encoded path
 * segment (`/`, `?`, `#`, `%` included), so a crafted id in a console URL cannot reach another
 * route or add a query.
 */
export function apiPath(strings: TemplateStringsArray, ...params: string[]): ApiPath {
  let out = strings[0]!;
  params.forEach((param, i) => {
    out += (UNSENDABLE.test(param) ? '\u0000' : encodeURIComponent(param)) + strings[i + 1]!;
  });
  return out.includes('\u0000') ? NO_SUCH_PATH : (out as ApiPath);
}

/**
 * What the inner request carries over from the page's request: the client's address (so the
 * per-IP limits, docs/security.md, hold for the console's sign-in as for the API's) and the
 * request id (so the inner request's log line shares the page's id).
 */
function forwarded(c: PageContext): Record<string, string> {
  const headers: Record<string, string> = {};
  const ip = c.req.header('cf-connecting-ip');
  if (ip) headers['cf-connecting-ip'] = ip;
  const id = requestIdFor(c as never) ?? c.req.header(REQUEST_ID);
  if (id) headers[REQUEST_ID] = id;
  return headers;
}

export function queryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === '') continue;
    for (const one of [value].flat()) if (one !== '') params.append(key, one);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export class Api {
  private readonly origin: string;
  private readonly send: (request: Request) => Promise<Response>;
  private readonly forwarded: Record<string, string>;

  constructor(
    c: PageContext,
    fetcher: ApiFetch,
    readonly aid: string,
    private readonly token: string | null,
  ) {
    this.origin = new URL(c.req.url).origin;
    this.send = (request) => fetcher(request, c);
    this.forwarded = forwarded(c);
  }

  /** `path` is relative to `/v1/accounts/{aid}`. A token-less Api is an anonymous caller. */
  async call<T>(
    method: string,
    path: ApiPath,
    opts: { body?: unknown; query?: Query; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer<T>> {
    if (path === NO_SUCH_PATH) {
      return {
        ok: false,
        status: 404,
        error: { code: 'not_found', message: 'No such object' },
        headers: new Headers(),
      };
    }
    const url = `${this.origin}/v1/accounts/${encodeURIComponent(this.aid)}${path}${queryString(opts.query)}`;
    const headers: Record<string, string> = { ...this.forwarded, ...opts.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method, headers };
    if (opts.body !== undefined) init.body = JSON.stringify(opts.body);
    const res = await this.send(new Request(url, init));
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (res.ok) return { ok: true, status: res.status, body: parsed as T, headers: res.headers };
    const error = (parsed as { error?: ApiProblem } | undefined)?.error ?? {
      code: 'internal_error',
      message: `The API answered ${res.status}`,
    };
    return { ok: false, status: res.status, error, headers: res.headers };
  }

  get = <T>(path: ApiPath, query?: Query) => this.call<T>('GET', path, query ? { query } : {});
  post = <T>(path: ApiPath, body: unknown, query?: Query) =>
    this.call<T>('POST', path, { body, ...(query && { query }) });
  put = <T>(path: ApiPath, body: unknown) => this.call<T>('PUT', path, { body });
  delete = <T>(path: ApiPath) => this.call<T>('DELETE', path);
}
