import { DomainError, type ErrorKind, type FieldError } from '../errors';
import type { ErrorCode } from '../schemas/error';

/**
 * How a DomainError crosses RPC: as a value, the one way. The runtime logs every exception that
 * crosses RPC as an uncaught error, which would bury real failures under expected 404s; and an
 * Error crossing RPC keeps only its message. So the object's public methods answer
 * `{ [FAILED]: {kind, code, message, errors} }` and the Worker's stub (`throwingErrors`) throws
 * the DomainError again. Anything else thrown (a bug, an SQLite error) still crosses as an
 * exception, is logged by the runtime and answered 500.
 */
const FAILED = '__rabatt_failed__';

interface Failure {
  [FAILED]: { kind: ErrorKind; code: ErrorCode; message: string; errors?: FieldError[] };
}

const isFailure = (x: unknown): x is Failure => typeof x === 'object' && x !== null && FAILED in x;

function asFailure(err: unknown): Failure {
  if (!(err instanceof DomainError)) throw err;
  // Answered, so the runtime does not log it: a contradiction in storage is logged here instead.
  if (err.kind === 'internal') console.error(JSON.stringify({ level: 'error', msg: err.message, stack: err.stack }));
  return { [FAILED]: { kind: err.kind, ...err.body() } };
}

/**
 * Wraps the public methods of a Durable Object class, once, for RPC: a call from outside starts
 * with `onCall` (the account object empties its per-call caches), and answers DomainErrors as
 * values. A call the object makes to its own methods while one is running keeps its caches and
 * keeps throwing, so a method can rely on another failing loudly (and a transaction rolls back:
 * the error becomes a value only after `transactionSync` has thrown). Helpers the object hands to
 * its stores (such as its transaction wrapper) must be closures, not prototype methods.
 */
export function serveOverRpc(cls: { prototype: object }, onCall: (self: object) => void): void {
  const proto = cls.prototype as Record<string, unknown>;
  let running = 0;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const method = Object.getOwnPropertyDescriptor(proto, name)?.value;
    if (name === 'constructor' || typeof method !== 'function') continue;
    proto[name] = function (this: object, ...args: unknown[]) {
      if (running > 0) return method.apply(this, args);
      running++;
      try {
        onCall(this);
        const result = method.apply(this, args);
        return result instanceof Promise ? result.catch(asFailure) : result;
      } catch (err) {
        return asFailure(err);
      } finally {
        running--;
      }
    };
  }
}

/** The Worker's side: a stub whose methods throw the DomainError again. */
export function throwingErrors<T extends object>(stub: T): T {
  return new Proxy(stub, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== 'function' || typeof prop === 'symbol') return value;
      return async (...args: unknown[]) => {
        // Not `value.apply(...)`: on an RPC stub that would be a remote property named "apply".
        const result = await Reflect.apply(value, target, args);
        if (isFailure(result)) {
          const { kind, code, message, errors } = result[FAILED];
          throw new DomainError(kind, code, message, errors);
        }
        return result;
      };
    },
  });
}
