import type { DeliveryAttempt } from '../schemas/automation';

/**
 * The data that crosses RPC between the Worker and the account object, beside the schemas' own
 * types: what the Worker hands the object (a signed call, an attempt's outcome) and what the
 * object hands back for the Worker to act on (a delivery to send). Implementation files import
 * these from here; the Worker's one typed client of the object (functions/account-client.ts)
 * types every method from the object's capabilities (shared/store/capabilities/).
 */

/** The parts of an HTTP request the signature covers, handed to the account object as data. */
export interface SignedCall {
  accountId: string;
  method: string;
  url: string;
  signature: string | null;
  /** The Worker runs with RABATT_DEV=1: only then may `allow_unsigned_callbacks` let a call in. */
  development: boolean;
}

/** An automation delivery the queue consumer (functions/deliveries.ts) is to attempt now. */
export interface DeliveryToSend {
  id: string;
  event: string;
  method: string;
  url: string;
  content_type: string;
  body: string | null;
  attempt: number;
  sealedSecret: string | null;
}

/** What one delivery attempt came to, as the consumer reports it back to the object. */
export interface AttemptResult {
  outcome: DeliveryAttempt['outcome'];
  response_code?: number;
  error?: string;
  duration_ms: number;
}
