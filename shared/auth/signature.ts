import { hmacSha256Hex, timingSafeEqual } from './crypto';

/**
 * Dintero's callback signature (spec §5): `Dintero-Signature: t=<unix seconds>,v0-hmac-sha256=<hex>`,
 * an HMAC-SHA256 keyed with the secret (UTF-8) over
 * `t \n account_id \n METHOD \n hostname \n pathname \n sorted query`. The body is not signed.
 */

export const SIGNATURE_HEADER = 'Dintero-Signature';
/** Accepted age of a signature, in either direction (the sender's clock may run ahead of ours). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
const SCHEME = 'v0-hmac-sha256';

/** The URL's query parameters sorted by name (stable for repeated names), `+` for spaces, no `?`. */
export function canonicalQuery(url: URL): string {
  const pairs = [...url.searchParams.entries()];
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new URLSearchParams(pairs).toString();
}

export function signedText(t: string, accountId: string, method: string, url: URL): string {
  return [t, accountId, method.toUpperCase(), url.hostname, url.pathname, canonicalQuery(url)].join('\n');
}

export async function signatureDigest(
  secret: string,
  t: string,
  accountId: string,
  method: string,
  url: URL,
): Promise<string> {
  return hmacSha256Hex(secret, signedText(t, accountId, method, url));
}

/** The header value Dintero would send; used by tests, the bench and docs examples. */
export async function signatureHeader(
  secret: string,
  accountId: string,
  method: string,
  url: URL,
  nowSeconds: number,
): Promise<string> {
  const t = String(Math.floor(nowSeconds));
  return `t=${t},${SCHEME}=${await signatureDigest(secret, t, accountId, method, url)}`;
}

/**
 * A valid check names the digest that matched and its `t`: the body is not signed, so the caller
 * remembers that digest until `t` + tolerance (docs/security.md).
 */
export type SignatureCheck =
  | { ok: true; digest: string; t: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

/**
 * Checks a `Dintero-Signature` header. Several `v0-hmac-sha256` entries are allowed (a sender
 * rotating secrets signs with both); one match is enough. Digests compare in constant time.
 */
export async function verifySignature(
  header: string | null | undefined,
  secret: string,
  accountId: string,
  method: string,
  url: URL,
  nowSeconds: number,
): Promise<SignatureCheck> {
  if (!header) return { ok: false, reason: 'missing' };
  let t: string | undefined;
  const digests: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') t = value;
    else if (key === SCHEME) digests.push(value.toLowerCase());
  }
  if (!t || !/^\d{1,12}$/.test(t) || !digests.length) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - Number(t)) > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: 'stale' };
  const expected = await signatureDigest(secret, t, accountId, method, url);
  let match = false;
  for (const d of digests) match = timingSafeEqual(d, expected) || match;
  return match ? { ok: true, digest: expected, t: Number(t) } : { ok: false, reason: 'mismatch' };
}
