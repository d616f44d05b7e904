/**
 * The Worker's one typed client of the account object (functions/account-client.ts): a failure
 * the object answers as a value (shared/store/rpc-errors.ts) is thrown as the DomainError on every
 * path, so it never passes as a success: not in a route, not in the cron, not in the queue consumer.
 */
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { accountClient } from '../../functions/account-client';
import { consumeDeliveries } from '../../functions/deliveries';
import type { Env } from '../../functions/env';
import { runScheduledCleanup } from '../../functions/scheduled';
import { DomainError } from '../../shared/errors';
import type { DeliveryToSend } from '../../shared/store/contract';

/** What the object answers for a DomainError, exactly as it crosses RPC. */
const FAILED = { __rabatt_failed__: { kind: 'not_found', code: 'not_found', message: 'No such thing' } };

/** The real bindings, with an ACCOUNTS namespace whose objects answer with `methods`. */
const withObject = (methods: Record<string, (...args: never[]) => unknown>) =>
  ({ ...(env as unknown as Env), ACCOUNTS: { getByName: () => methods } }) as unknown as Env;

beforeEach(() => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

describe('accountClient', () => {
  it('resolves to what the object answers, and rejects with the DomainError a failure value carries', async () => {
    const fake = withObject({ getSettings: async () => ({ ok: 1 }), getRule: async () => FAILED });
    const client = accountClient(fake, 'T93000001');
    expect(await client.getSettings()).toEqual({ ok: 1 });
    const err = await client.getRule('x', true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ kind: 'not_found', code: 'not_found', message: 'No such thing' });
  });

  it('against the real object: an unknown rule is a DomainError, not a value', async () => {
    const err = await accountClient(env as unknown as Env, 'T93000002')
      .getRule('00000000-0000-4000-8000-000000000000', true)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).kind).toBe('not_found');
  });
});

describe('the cron', () => {
  it('counts an account whose cleanup answers a failure value as failed, not as visited', async () => {
    await env.REGISTRY.getByName('registry').register('T93000003');
    const outcome = await runScheduledCleanup(withObject({ cleanup: async () => FAILED }), Date.now());
    expect(outcome).toMatchObject({ visited: 0, failed: 1, idle: 0, incomplete: 0 });
  });
});

describe('the queue consumer', () => {
  const delivery: DeliveryToSend = {
    id: 'd-1',
    event: 'receipt_add',
    method: 'POST',
    // Refused before any call (not https), so the attempt needs no network.
    url: 'http://crm.example.com/hook',
    content_type: 'application/json',
    body: '{}',
    attempt: 1,
    sealedSecret: null,
  };
  const consume = async (methods: Record<string, (...args: never[]) => unknown>) => {
    const message = { body: { aid: 'T93000004', delivery_id: 'd-1' }, ack: vi.fn(), retry: vi.fn() };
    await consumeDeliveries({ messages: [message] } as never, withObject(methods));
    return message;
  };

  it('retries a message when recording the attempt answers a failure value (never acknowledges it)', async () => {
    const message = await consume({ deliveryToSend: async () => delivery, recordDeliveryAttempt: async () => FAILED });
    expect(message.ack).not.toHaveBeenCalled();
    expect(message.retry).toHaveBeenCalledWith({ delaySeconds: 60 });
  });

  it('retries a message when asking what to send answers a failure value', async () => {
    const recordDeliveryAttempt = vi.fn(async () => ({}));
    const message = await consume({ deliveryToSend: async () => FAILED, recordDeliveryAttempt });
    expect(recordDeliveryAttempt).not.toHaveBeenCalled();
    expect(message.retry).toHaveBeenCalledWith({ delaySeconds: 60 });
  });

  it('acknowledges a message once the attempt is recorded without a retry', async () => {
    const message = await consume({ deliveryToSend: async () => delivery, recordDeliveryAttempt: async () => ({}) });
    expect(message.ack).toHaveBeenCalled();
    expect(message.retry).not.toHaveBeenCalled();
  });
});
