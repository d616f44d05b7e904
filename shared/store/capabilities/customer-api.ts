import type {
  CustomerTokenCreate,
  TagCreate,
  TokenEventsDelete,
  TokenEventsPost,
  TokenEventsQuery,
} from '../../schemas/customer-api';
import type { CustomerTokensQuery } from '../../schemas/customer-api';
import type { Host } from '../account-base';
import { changeCustomerId } from '../customer-rename';
import type { CustomerTagRegistry } from '../customer-tags';
import type { CustomerStore } from '../customers';
import type { TokenEvents } from '../token-events';

export interface CustomerApiHost extends Pick<Host, 'tx' | 'ctx'> {
  customers: CustomerStore;
  tags: CustomerTagRegistry;
  tokenEvents: TokenEvents;
}

/** Dintero's Customers API around the customer: tokens, token events, tags, change_customer_id (docs/customers.md). */
export class CustomerApiRpc {
  constructor(private readonly h: CustomerApiHost) {}

  listCustomerTokens(customerId: string, q: CustomerTokensQuery) {
    const seq = this.h.customers.liveSeqOrNone(customerId);
    return seq === null ? { tokens: [], total: q.total ? 0 : undefined } : this.h.customers.tokens.list(seq, q);
  }
  createCustomerToken(customerId: string, token: CustomerTokenCreate, deleteEvents: boolean, actor: string) {
    return this.h.tx(() => {
      const seq = this.h.customers.liveSeq(customerId);
      if (deleteEvents) this.h.tokenEvents.clear(token, undefined);
      return this.h.customers.tokens.create(
        seq,
        { token_id: token.token_id, type: token.type, value: token.value, metadata: token.metadata },
        actor,
      );
    });
  }
  deleteCustomerToken(customerId: string, tokenId: string) {
    return this.h.tx(() => this.h.customers.tokens.deleteOf(this.h.customers.liveSeq(customerId), tokenId));
  }

  /** Looks the token up; with `event`, records it first (Dintero: "include event to update the status"). */
  postTokenEvent(body: TokenEventsPost) {
    const detail = () => {
      const found = this.h.customers.tokens.find(body.token.type, body.token.value);
      const customer = found ? this.h.customers.find(found.customer_id) : null;
      return this.h.tokenEvents.detail(
        body.token,
        found && { token: found.token, customer: customer as Record<string, unknown> | null },
      );
    };
    if (!body.event) return detail();
    const event = body.event;
    return this.h.tx(() => {
      this.h.tokenEvents.record(body.token, {
        event: event.event,
        status: event.status,
        metadata: event.metadata,
        expires_at: event.expires_at,
      });
      return detail();
    });
  }
  deleteTokenEvents(body: TokenEventsDelete) {
    this.h.tx(() => this.h.tokenEvents.clear(body.token, body.event));
  }
  listTokenEvents(q: TokenEventsQuery) {
    return this.h.tokenEvents.list(q);
  }

  listTags() {
    return this.h.tags.list();
  }
  createTag(input: TagCreate, actor: string) {
    return this.h.tx(() => this.h.tags.create(input, actor));
  }
  deleteTag(tagId: string, actor: string) {
    return this.h.tx(() => this.h.tags.delete(tagId, actor));
  }
  /** The customer's tags as the registry has them; a deleted customer has none. */
  customerTags(customerId: string) {
    return this.h.tags.byIds(this.h.customers.get(customerId).tag_ids ?? []);
  }
  /** Sets the customer's tags, registering ids the registry does not know; answers the customer. */
  putCustomerTags(customerId: string, tagIds: string[], actor: string) {
    return this.h.tx(() => {
      const unique = [...new Set(tagIds)];
      this.h.customers.liveSeq(customerId);
      this.h.tags.ensure(unique, actor);
      const customer = this.h.customers.setTags(customerId, unique, actor);
      return { customer, tags: this.h.tags.byIds(unique) };
    });
  }

  changeCustomerId(customerId: string, newId: string, actor: string) {
    return this.h.tx(() => changeCustomerId(this.h.ctx.storage.sql, this.h.customers.tokens, customerId, newId, actor));
  }
}
