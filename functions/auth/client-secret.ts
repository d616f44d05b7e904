import { hashSecret, timingSafeEqual } from '../../shared/auth/crypto';

/** A salt no client has: hashed against when there is no client, so the work is the same. */
const DUMMY_SALT = '00'.repeat(16);

/**
 * Whether `secret` is the stored client's. Exactly one hash is computed whether or not the client
 * exists (and for the bootstrap client too, `stored` = null there), so the time of a refusal does
 * not tell an unknown client id from a wrong secret.
 */
export async function clientSecretMatches(
  stored: { salt: string; secret_hash: string } | null,
  secret: string,
  hash: (secret: string, salt: string) => Promise<string> = hashSecret,
): Promise<boolean> {
  const digest = await hash(secret, stored?.salt ?? DUMMY_SALT);
  return stored !== null && timingSafeEqual(digest, stored.secret_hash);
}
