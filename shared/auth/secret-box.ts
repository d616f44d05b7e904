import { fromHex, toHex, utf8 } from './crypto';
import { DomainError, internal } from '../errors';

/**
 * Secrets a merchant gives us to keep (the checkout signature secret) are stored encrypted with
 * AES-256-GCM under a key derived by HKDF-SHA256 from the Worker secret `SECRETS_KEY`. Storage
 * alone (a backup, a leaked export) then reveals nothing. Stored form: `v1:<iv hex>:<ciphertext hex>`.
 * The `info` label binds a key to one purpose, so the same SECRETS_KEY can serve others later.
 */
const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secretsKey: string, purpose: string): Promise<CryptoKey> {
  const id = `${purpose}\n${secretsKey}`;
  let key = keys.get(id);
  if (!key) {
    key = crypto.subtle
      .importKey('raw', utf8(secretsKey), 'HKDF', false, ['deriveKey'])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: utf8('rabatt/secret-box/v1'), info: utf8(purpose) },
          base,
          { name: 'AES-GCM', length: 256 },
          false,
          ['encrypt', 'decrypt'],
        ),
      );
    keys.set(id, key);
  }
  return key;
}

export const secretsKeyMissing = () =>
  new DomainError(
    'unavailable',
    'secrets_key_missing',
    'The server has no SECRETS_KEY configured, so it cannot keep secrets (wrangler secret put SECRETS_KEY)',
  );

export async function seal(secretsKey: string | undefined, purpose: string, plaintext: string): Promise<string> {
  if (!secretsKey) throw secretsKeyMissing();
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await keyFor(secretsKey, purpose), utf8(plaintext));
  return `v1:${toHex(iv)}:${toHex(data)}`;
}

export async function open(secretsKey: string | undefined, purpose: string, sealed: string): Promise<string> {
  if (!secretsKey) throw secretsKeyMissing();
  const [version, iv, data] = sealed.split(':');
  if (version !== 'v1' || !iv || !data) throw internal('A stored secret has an unknown format');
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromHex(iv) },
      await keyFor(secretsKey, purpose),
      fromHex(data),
    );
    return new TextDecoder().decode(plain);
  } catch {
    // Only a changed SECRETS_KEY gets here; the merchant must set the secret again.
    throw new DomainError(
      'unavailable',
      'secret_unreadable',
      'The stored secret cannot be decrypted with the current SECRETS_KEY; set it again',
    );
  }
}
