import { hmacSha256Hex, timingSafeEqual } from './crypto';

/**
 * Signatures on the calls automations make (docs/automations.md, "Signatures"). The layout of
 * Dintero's callback signature (shared/auth/signature.ts), `Rabatt-Signature: t=<unix seconds>,
 * v2-hmac-sha256=<hex>`, an HMAC-SHA256 keyed with the account's delivery signing secret (UTF-8)
 * over the canonical form `t \n METHOD \n canonical URL \n delivery id \n event \n body`: the
 * headers a receiver keys its idempotency on are signed too, so a replay cannot pose as another
 * delivery, and a receiver that canonicalises the URL still verifies.
 */
export const DELIVERY_SIGNATURE_HEADER = 'Rabatt-Signature';
const SCHEME = 'v2-hmac-sha256';
/** Receivers should refuse signatures older (or newer) than this; our verifier does. */
export const DELIVERY_TOLERANCE_SECONDS = 300;

/** What a signature covers besides its time: the call as made, and which delivery of which event it is. */
export interface SignedDelivery {
  method: string;
  url: string;
  deliveryId: string;
  event: string;
  body: string;
}

/**
 * The URL as WHATWG URL serialises it, without its fragment: scheme and host in lowercase, the
 * default port dropped, dot segments resolved, path and query percent-encoded as a fetch sends them.
 * Deliveries are made to this form, so what is signed is what is called.
 */
export function canonicalUrl(url: string): string {
  const parsed = new URL(url);
  parsed.hash = '';
  return parsed.href;
}

export const deliverySignedText = (t: string, d: SignedDelivery) =>
  [t, d.method.toUpperCase(), canonicalUrl(d.url), d.deliveryId, d.event, d.body].join('\n');

export async function signDelivery(secret: string, delivery: SignedDelivery, nowSeconds: number) {
  const t = String(Math.floor(nowSeconds));
  return `t=${t},${SCHEME}=${await hmacSha256Hex(secret, deliverySignedText(t, delivery))}`;
}

/** What a receiver does: true when the header is fresh and one `v2-hmac-sha256` entry matches. */
export async function verifyDelivery(
  header: string | null,
  secret: string,
  delivery: SignedDelivery,
  nowSeconds: number,
): Promise<boolean> {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('=') as [string, string | undefined]);
  const t = parts.find(([k]) => k === 't')?.[1];
  if (!t || !/^\d{1,12}$/.test(t) || Math.abs(nowSeconds - Number(t)) > DELIVERY_TOLERANCE_SECONDS) return false;
  let expected: string;
  try {
    expected = await hmacSha256Hex(secret, deliverySignedText(t, delivery));
  } catch {
    return false; // not a URL
  }
  let match = false;
  for (const [k, digest] of parts) if (k === SCHEME && digest) match = timingSafeEqual(digest, expected) || match;
  return match;
}
