import { META_KEYS } from '../keys';
import { openRotating, type SecretsKeys } from '../auth/secret-box';
import { one, type Sql } from './sql';

/** The secret-box purpose (HKDF info) of the delivery signing secret (docs/storage.md). */
export const SIGNING_SECRET_PURPOSE = 'automation-delivery-signing';

/** The key of the delivery signing secret in `meta` (sealed with SECRETS_KEY by the Worker). */
const SECRET_KEY = META_KEYS.deliverySigningSecret;

export interface StoredSigningSecret {
  sealed: string;
  created_at: string;
  created_by: string;
}

/**
 * The account's delivery signing secret (docs/automations.md, "Signatures"), sealed by the Worker:
 * this store never sees it in the clear.
 */
export class SigningSecretStore {
  constructor(private readonly sql: Sql) {}

  get(): StoredSigningSecret | null {
    const row = one<{ value: string }>(this.sql, 'SELECT value FROM meta WHERE key = ?', SECRET_KEY);
    return row ? (JSON.parse(row.value) as StoredSigningSecret) : null;
  }

  /** Replaces the secret (`replace`) or sets it only if there is none; answers the one in force. */
  set(sealed: string, actor: string, replace: boolean): StoredSigningSecret {
    const value = JSON.stringify({ sealed, created_at: new Date().toISOString(), created_by: actor });
    const onConflict = replace ? 'UPDATE SET value = excluded.value' : 'NOTHING';
    this.sql.exec(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO ${onConflict}`, SECRET_KEY, value);
    return this.get()!;
  }

  /**
   * During a SECRETS_KEY rotation: stores the secret sealed again under the current key, only if
   * it is still the one that was opened (a new secret made meanwhile wins). Keeps who made it, and when.
   */
  reseal(previous: string, resealed: string): boolean {
    const current = this.get();
    if (current?.sealed !== previous) return false;
    const value = JSON.stringify({ ...current, sealed: resealed });
    this.sql.exec('UPDATE meta SET value = ? WHERE key = ?', value, SECRET_KEY);
    return true;
  }

  /**
   * During a SECRETS_KEY rotation: re-seals the secret under the current key when only the previous
   * one opens it. The hourly cleanup calls it, so an account with no delivery in the rotation
   * window is re-sealed too before SECRETS_KEY_PREVIOUS is deleted (docs/deploy.md).
   */
  async resealRotated(keys: SecretsKeys): Promise<boolean> {
    const stored = this.get();
    if (!stored || !keys.previous) return false;
    const opened = await openRotating(keys, SIGNING_SECRET_PURPOSE, stored.sealed).catch(() => undefined);
    return opened?.resealed !== undefined && this.reseal(stored.sealed, opened.resealed);
  }
}
