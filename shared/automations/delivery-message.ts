/**
 * One message on the DELIVERIES queue: the delivery to attempt. Its details (URL, body, attempts)
 * stay in the account's object; the message only names it, so a message is never stale.
 */
export interface DeliveryMessage {
  aid: string;
  delivery_id: string;
}
