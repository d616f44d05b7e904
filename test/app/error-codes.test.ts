import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { STATUS_OF_KIND } from '../../functions/errors';
import { DomainError, ERROR_KINDS } from '../../shared/errors';
import { ERROR_CODES } from '../../shared/schemas/error';
import { throwingErrors } from '../../shared/store/rpc-errors';
import { call, json } from '../helpers';

type Schema = { properties?: Record<string, Schema>; enum?: string[] };

describe('error codes and kinds', () => {
  it('the OpenAPI ErrorBody lists exactly ERROR_CODES as the values of error.code', async () => {
    const { body } = await json<{ components: { schemas: Record<string, Schema> } }>(call('GET', '/openapi.json'));
    const code = body.components.schemas.ErrorBody?.properties?.error?.properties?.code;
    expect(code?.enum).toEqual([...ERROR_CODES]);
  });

  it('gives every kind of domain error a status', () => {
    for (const kind of ERROR_KINDS) expect(STATUS_OF_KIND[kind], kind).toBeGreaterThanOrEqual(400);
  });

  it('an expected error crosses RPC as a value, and the Worker side throws it again as a DomainError', async () => {
    const stub = env.ACCOUNTS.getByName('T00001201');
    // Raw RPC: answered, not thrown (a thrown one would be logged by the runtime as uncaught).
    const raw = (await stub.getClaim('no-such-claim')) as unknown;
    expect(raw).toEqual({
      __rabatt_failed__: { kind: 'not_found', code: 'not_found', message: 'Claim not found' },
    });
    const thrown = await throwingErrors(stub)
      .getClaim('no-such-claim')
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ kind: 'not_found', code: 'not_found', message: 'Claim not found' });
  });
});
