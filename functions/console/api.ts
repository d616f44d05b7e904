import type { Context } from 'hono';
import { type ClientResponse, hc } from 'hono/client';
import type { FieldError } from '../../shared/errors';
import type { AppType, RefsAppType } from '../api';
import { REQUEST_ID, requestIdFor } from '../request-log';
import type { BindingsOnly } from './session';

/**
 * What the console's API handle reads of the page's request context: any context of this Worker
 * (the console's and the API's alike), by the parts it uses, not by the console's own env type.
 */
export type PageContext = Pick<Context<BindingsOnly>, 'req' | 'env' | 'executionCtx'>;

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

/**
 * A path segment that cannot be sent: `.` and `..` are dot segments the URL parser resolves, so
 * `claims/../../rules/{id}` would reach another route; an empty one would name the collection
 * instead of a member (`hc` even drops an empty parameter's segment).
 */
const UNSENDABLE = /^(?:|\.|\.\.)$/;

/** Thrown by `segment` for a value no route could have; `Api.send` answers it 404 without a request. */
class Unsendable extends Error {}

/**
 * One path parameter for the typed client (`hc` puts parameters into the path as given): encoded
 * as one segment (`/`, `?`, `#`, `%` included), so a crafted id in a console URL cannot reach
 * another route or add a query; `.`, `..` and an empty value are refused.
 */
export function segment(value: string): string {
  if (UNSENDABLE.test(value)) throw new Unsendable('unsendable path segment');
  return encodeURIComponent(value);
}

/**
 * A body built from a form's fields, sent as the route's input type: the console has no validation
 * of its own (docs/console.md); the API validates the body and its field errors come back to the form.
 */
export const fromForm = (body: unknown): never => body as never;

/** The first of `allowed` that `value` names, else `fallback`: a page's query narrowed to what the API takes. */
export function oneOf<T extends string>(allowed: readonly T[], value: string | undefined, fallback: T): T {
  return allowed.find((x) => x === value) ?? fallback;
}

/** A query as the console sends it: empty values are left out (an empty filter is no filter). */
function searchParams(query: Record<string, string | string[] | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const one of [value ?? []].flat()) if (one !== '') params.append(key, one);
  }
  return params;
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

/** Hono's typed clients of the API's route chains (functions/api.ts), below `/v1/accounts/:aid`. */
function typedClients(origin: string, send: (request: Request) => Promise<Response>, headers: Record<string, string>) {
  const options = {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => send(new Request(input, init)),
    headers,
    buildSearchParams: searchParams,
  };
  return {
    api: hc<AppType>(origin, options).v1.accounts[':aid'],
    refs: hc<RefsAppType>(origin, options).v1.accounts[':aid'],
  };
}

/** The body type of a typed-client answer. */
type BodyOf<R> = R extends ClientResponse<infer T, number, string> ? T : never;

/**
 * The console's handle on the API for one page request:
 * `api.send(() => api.typed.api.discounts.rules[':did'].$get({ param: api.params({ did: id }), query: {} }))`.
 * A token-less Api is an anonymous caller.
 */
export class Api {
  /** `hc<AppType>` and `hc<RefsAppType>` over the in-process fetch, with the token and the forwarded headers. */
  readonly typed: ReturnType<typeof typedClients>;

  constructor(
    c: PageContext,
    fetcher: ApiFetch,
    readonly aid: string,
    token: string | null,
  ) {
    const headers = { ...forwarded(c), ...(token ? { authorization: `Bearer ${token}` } : {}) };
    this.typed = typedClients(new URL(c.req.url).origin, (request) => fetcher(request, c), headers);
  }

  /** Path parameters for the typed client: the account, and each value as one encoded segment. */
  params<P extends Record<string, string>>(values: P): P & { aid: string } {
    const out: Record<string, string> = { aid: segment(this.aid) };
    for (const [key, value] of Object.entries(values)) out[key] = segment(value);
    return out as P & { aid: string };
  }

  /** One typed-client request as an answer; a refused parameter (`segment`) answers 404 without a request. */
  async send<R extends ClientResponse<unknown, number, string>>(
    request: () => Promise<R>,
  ): Promise<ApiAnswer<BodyOf<R>>> {
    let res: Response;
    try {
      res = (await request()) as unknown as Response;
    } catch (e) {
      if (e instanceof Unsendable) return notFound();
      throw e;
    }
    return answerOf<BodyOf<R>>(res);
  }

  /** `send` for a route whose type does not carry its answer's shape (an answer served as text). */
  sendAs<T>(request: () => Promise<ClientResponse<unknown, number, string>>): Promise<ApiAnswer<T>> {
    return this.send(request) as Promise<ApiAnswer<T>>;
  }
}

function notFound(): ApiAnswer<never> {
  return { ok: false, status: 404, error: { code: 'not_found', message: 'No such object' }, headers: new Headers() };
}

/** The API's answer read once: the JSON body on success, the API's `error` otherwise. */
async function answerOf<T>(res: Response): Promise<ApiAnswer<T>> {
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
