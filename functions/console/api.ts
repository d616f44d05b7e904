import type { Context } from 'hono';

/**
 * What the console's API handle reads of the page's request context: any context of this Worker
 * (the console's and the API's alike), by the parts it uses, not by the console's own env type.
 */
export type PageContext = Pick<Context<{ Bindings: Env }>, 'req' | 'env' | 'executionCtx'>;

import type { Env } from '../env';
import type { FieldError } from '../../shared/errors';

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

  constructor(
    c: PageContext,
    fetcher: ApiFetch,
    readonly aid: string,
    private readonly token: string | null,
  ) {
    this.origin = new URL(c.req.url).origin;
    this.send = (request) => fetcher(request, c);
  }

  /** `path` is relative to `/v1/accounts/{aid}`. A token-less Api is an anonymous caller. */
  async call<T>(
    method: string,
    path: string,
    opts: { body?: unknown; query?: Query; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer<T>> {
    const url = `${this.origin}/v1/accounts/${this.aid}${path}${queryString(opts.query)}`;
    const headers: Record<string, string> = { ...opts.headers };
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

  get = <T>(path: string, query?: Query) => this.call<T>('GET', path, query ? { query } : {});
  post = <T>(path: string, body: unknown, query?: Query) =>
    this.call<T>('POST', path, { body, ...(query && { query }) });
  put = <T>(path: string, body: unknown) => this.call<T>('PUT', path, { body });
  delete = <T>(path: string) => this.call<T>('DELETE', path);
}
