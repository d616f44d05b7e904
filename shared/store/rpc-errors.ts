import { ApiError, toErrorBody, type ErrorBody, type ErrorStatus } from '../errors';

/**
 * Client mistakes found inside the account object (404, 409, a limit reached) travel back as a
 * value, not as a thrown exception: the runtime logs every exception that crosses RPC as an
 * uncaught error, which would bury real failures under expected ones.
 */
const FAILED = '__rabatt_failed__';

interface Failure {
  [FAILED]: { status: ErrorStatus; body: ErrorBody };
}

const isFailure = (x: unknown): x is Failure => typeof x === 'object' && x !== null && FAILED in x;

function asFailure(err: unknown): Failure {
  const known = toErrorBody(err);
  // Not a client mistake (a bug, or a 5xx the object raised itself): let the runtime log it.
  if (!known || known.status >= 500) throw err;
  return { [FAILED]: known };
}

/**
 * Makes the public methods of a Durable Object class answer ApiErrors as values when called over
 * RPC. A call the object makes to its own methods while one is running keeps throwing, so a method
 * can rely on another failing loudly (and a transaction rolls back). Helpers the object hands to
 * its stores (such as its transaction wrapper) must be instance fields, not prototype methods.
 */
export function answerErrorsOverRpc(cls: { prototype: object }): void {
  const proto = cls.prototype as Record<string, unknown>;
  let running = 0;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const method = Object.getOwnPropertyDescriptor(proto, name)?.value;
    if (name === 'constructor' || typeof method !== 'function') continue;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      if (running > 0) return method.apply(this, args);
      running++;
      try {
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

/** The Worker's side: a stub whose methods throw the ApiError again. */
export function throwingErrors<T extends object>(stub: T): T {
  return new Proxy(stub, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== 'function' || typeof prop === 'symbol') return value;
      return async (...args: unknown[]) => {
        // Not `value.apply(...)`: on an RPC stub that would be a remote property named "apply".
        const result = await Reflect.apply(value, target, args);
        if (isFailure(result)) {
          const { status, body } = result[FAILED];
          throw new ApiError(status, body.code, body.message, body.errors);
        }
        return result;
      };
    },
  });
}
