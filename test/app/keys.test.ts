/**
 * shared/keys.ts names every key of the account object's `meta` table: an account that has been
 * through settings, both sealed secrets, registration and a cleanup holds no `meta` key the
 * module does not name (and document).
 */
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { META_KEYS } from '../../shared/keys';
import { all } from '../../shared/store/sql';
import { call, tokenWith } from '../helpers';

const AID = 'T93100001';
const base = `/v1/accounts/${AID}`;

describe('meta keys', () => {
  it('every key an account writes to meta is one shared/keys.ts names', async () => {
    const token = await tokenWith(undefined, AID);
    const writes = [
      call('PUT', `${base}/settings`, { token, body: { retention_days: 30 } }),
      call('PUT', `${base}/checkout/signature`, { token, body: { secret: 'a-dintero-secret-of-enough-length-1234' } }),
      call('POST', `${base}/automations/signing_secret`, { token }),
    ];
    for (const res of await Promise.all(writes)) expect(res.status, await res.text()).toBeLessThan(300);
    await env.ACCOUNTS.getByName(AID).cleanup(Date.now());
    const keys = await runInDurableObject(env.ACCOUNTS.getByName(AID), (_o, state) =>
      all<{ key: string }>(state.storage.sql, 'SELECT key FROM meta ORDER BY key').map((r) => r.key),
    );
    const named = new Set<string>(Object.values(META_KEYS));
    expect(keys.filter((k) => !named.has(k))).toEqual([]);
    // The writes above reached each kind of key (a check that saw none would prove nothing).
    expect(keys).toEqual(
      expect.arrayContaining([
        META_KEYS.contentVersion,
        META_KEYS.cacheEpoch,
        META_KEYS.settings,
        META_KEYS.checkoutSignature,
        META_KEYS.deliverySigningSecret,
        META_KEYS.registered,
        META_KEYS.directoryListed,
      ]),
    );
  });
});
