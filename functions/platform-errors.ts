import type { ErrorBody } from '../shared/errors';

/**
 * Errors the platform raises around a Durable Object call, answered as 503 with `Retry-After`
 * (docs/scaling.md, "At the limit"), never as a 500.
 *
 * Cloudflare marks them with properties on the thrown Error
 * (https://developers.cloudflare.com/durable-objects/best-practices/error-handling/):
 * - `overloaded`: the object had too many requests queued and refused this one before running
 *   it. Nothing was written; the caller should back off, so the wait is longer.
 * - `retryable`: a transient failure (a lost connection, an object restarted by a deploy). The call
 *   may or may not have run; every write of rabatt that a till repeats is idempotent by `ref`, so
 *   repeating it with the same `ref` claims exactly once.
 */
export const OVERLOADED_RETRY_AFTER_SECONDS = 2;
export const RETRYABLE_RETRY_AFTER_SECONDS = 1;

export interface PlatformErrorAnswer {
  status: 503;
  retryAfter: number;
  body: ErrorBody;
}

export function platformError(err: unknown): PlatformErrorAnswer | undefined {
  if (!(err instanceof Error)) return undefined;
  const flags = err as Error & { overloaded?: unknown; retryable?: unknown };
  if (flags.overloaded === true || /Durable Object is overloaded/i.test(err.message)) {
    return {
      status: 503,
      retryAfter: OVERLOADED_RETRY_AFTER_SECONDS,
      body: {
        code: 'account_overloaded',
        message: 'This account is receiving more requests than it can take; nothing was done. Retry after a pause',
      },
    };
  }
  if (flags.retryable === true) {
    return {
      status: 503,
      retryAfter: RETRYABLE_RETRY_AFTER_SECONDS,
      body: {
        code: 'temporarily_unavailable',
        message: 'The account store was briefly unreachable. Retry; a claim retried with the same ref counts once',
      },
    };
  }
  return undefined;
}
