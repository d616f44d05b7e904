import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { open, openRotating, seal } from '../../shared/auth/secret-box';
import type { AccountStore } from '../../shared/store/account';
import { SIGNATURE_PURPOSE } from '../../shared/store/checkout-callbacks';
import { merchant, session } from './helpers';

/** Rotating SECRETS_KEY (docs/deploy.md, "Rotating secrets"): SECRETS_KEY_PREVIOUS still opens. */
const AID = 'T40100002';
const SECRET = 'rotation-signature-secret-51c2';
const OLD_KEY = 'the-secrets-key-before-the-rotation';

const stub = () => env.ACCOUNTS.getByName(AID);
const storedSealed = () =>
  runInDurableObject(stub(), (_o, state) => {
    const row = state.storage.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'checkout_signature'")
      .toArray()[0];
    return (JSON.parse(row!.value) as { sealed: string }).sealed;
  });
/** The account object's environment as if `wrangler secret put` had set SECRETS_KEY_PREVIOUS. */
const previousKey = (key: string | undefined) =>
  runInDurableObject(stub(), (o) => {
    const self = o as unknown as { env: Record<string, unknown> };
    self.env = { ...self.env, SECRETS_KEY_PREVIOUS: key };
  });

describe('openRotating', () => {
  it('opens with the current key as is, with the previous one by sealing again under the current', async () => {
    const byCurrent = await seal('new-key', SIGNATURE_PURPOSE, SECRET);
    expect(await openRotating({ current: 'new-key', previous: OLD_KEY }, SIGNATURE_PURPOSE, byCurrent)).toEqual({
      plaintext: SECRET,
    });
    const byOld = await seal(OLD_KEY, SIGNATURE_PURPOSE, SECRET);
    const opened = await openRotating({ current: 'new-key', previous: OLD_KEY }, SIGNATURE_PURPOSE, byOld);
    expect(opened.plaintext).toBe(SECRET);
    expect(await open('new-key', SIGNATURE_PURPOSE, opened.resealed!)).toBe(SECRET);
    const unreadable = { code: 'secret_unreadable' };
    await expect(open(OLD_KEY, SIGNATURE_PURPOSE, opened.resealed!)).rejects.toMatchObject(unreadable);
    await expect(openRotating({ current: 'new-key' }, SIGNATURE_PURPOSE, byOld)).rejects.toMatchObject(unreadable);
  });
});

describe('a checkout secret sealed under the previous SECRETS_KEY', { timeout: 30_000 }, () => {
  it('is refused without SECRETS_KEY_PREVIOUS, accepted with it, and re-sealed so the old key can go', async () => {
    const m = await merchant(AID);
    await m.setSecret('placeholder-secret');
    // The account's secret as the deployment before the rotation sealed it.
    const old = await seal(OLD_KEY, SIGNATURE_PURPOSE, SECRET);
    await runInDurableObject(stub(), (_o, state) => {
      state.storage.sql.exec(
        "UPDATE meta SET value = ? WHERE key = 'checkout_signature'",
        JSON.stringify({ sealed: old, updated_at: '2026-01-01T00:00:00.000Z', updated_by: 'merchant' }),
      );
    });
    const callback = () => m.dintero('POST', '/discount_codes', { secret: SECRET, body: session(`${AID}.rot`) });

    const refused = await callback();
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('secret_unreadable');

    await previousKey(OLD_KEY);
    expect((await callback()).status).toBe(200);
    const resealed = await storedSealed();
    expect(resealed).not.toBe(old);
    expect(await open(env.SECRETS_KEY, SIGNATURE_PURPOSE, resealed)).toBe(SECRET);

    // The previous key removed: the secret opens with the current key alone.
    await previousKey(undefined);
    expect((await callback()).status).toBe(200);
    const status = await runInDurableObject(stub(), (o) => (o as unknown as AccountStore).checkoutSignature());
    expect(status).toMatchObject({ configured: true, updated_by: 'merchant' });
  });

  it('is re-sealed by the hourly cleanup, without any callback', async () => {
    const aid = 'T40100003';
    const m = await merchant(aid);
    await m.setSecret('placeholder-secret');
    const account = env.ACCOUNTS.getByName(aid);
    const old = await seal(OLD_KEY, SIGNATURE_PURPOSE, SECRET);
    const sealedNow = () =>
      runInDurableObject(account, (_o, state) => {
        const row = state.storage.sql
          .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'checkout_signature'")
          .toArray()[0];
        return (JSON.parse(row!.value) as { sealed: string }).sealed;
      });
    await runInDurableObject(account, (o, state) => {
      state.storage.sql.exec(
        "UPDATE meta SET value = ? WHERE key = 'checkout_signature'",
        JSON.stringify({ sealed: old, updated_at: '2026-01-01T00:00:00.000Z', updated_by: 'merchant' }),
      );
      const self = o as unknown as { env: Record<string, unknown> };
      self.env = { ...self.env, SECRETS_KEY_PREVIOUS: OLD_KEY };
    });
    await account.cleanup(Date.now());
    const resealed = await sealedNow();
    expect(resealed).not.toBe(old);
    expect(await open(env.SECRETS_KEY, SIGNATURE_PURPOSE, resealed)).toBe(SECRET);
    // A second run finds nothing to do and leaves the row alone.
    await account.cleanup(Date.now());
    expect(await sealedNow()).toBe(resealed);
  });
});
