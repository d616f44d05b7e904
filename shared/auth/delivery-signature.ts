import { hmacSha256Hex, timingSafeEqual } from './crypto';

/**
 * Signatures on the calls automations make (docs/automations.md). The same layout as Dintero's
 * callback signature (shared/auth/signature.ts) so one parser serves both, but over what a
 * receiver needs to trust a delivery: `Rabatt-Signature: t=<unix seconds>,v1-hmac-sha256=<hex>`,
 * an HMAC-SHA256 keyed with the account's delivery signing secret (UTF-8) over
 * `t \n METHOD \n URL \n body` (the URL exactly as called, the body exactly as sent, "" if none).
 */
export const DELIVERY_SIGNATURE_HEADER = 'Rabatt-Signature';
const SCHEME = 'v1-hmac-sha256';
/** Receivers should refuse signatures older (or newer) than this; our verifier does. */
export const DELIVERY_TOLERANCE_SECONDS = 300;

export const deliverySignedText = (t: string, method: string, url: string, body: string) =>
  [t, method.toUpperCase(), url, body].join('\n');

export async function signDelivery(secret: string, method: string, url: string, body: string, nowSeconds: number) {
  const t = String(Math.floor(nowSeconds));
  return `t=${t},${SCHEME}=${await hmacSha256Hex(secret, deliverySignedText(t, method, url, body))}`;
}

/** What a receiver does: true when the header is fresh and one `v1-hmac-sha256` entry matches. */
export async function verifyDelivery(
  header: string | null,
  secret: string,
  method: string,
  url: string,
  body: string,
  nowSeconds: number,
): Promise<boolean> {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('=') as [string, string | undefined]);
  const t = parts.find(([k]) => k === 't')?.[1];
  if (!t || !/^\d{1,12}$/.test(t) || Math.abs(nowSeconds - Number(t)) > DELIVERY_TOLERANCE_SECONDS) return false;
  const expected = await hmacSha256Hex(secret, deliverySignedText(t, method, url, body));
  let match = false;
  for (const [k, digest] of parts) if (k === SCHEME && digest) match = timingSafeEqual(digest, expected) || match;
  return match;
}
