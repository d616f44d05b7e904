import type { Customer, CustomerInput, CustomerListQuery, CustomerUpdate } from '../../schemas/customer';
import type { Host } from '../account-base';
import type { TokenInput } from '../customer-tokens';
import type { CustomerStore } from '../customers';
import type { AutomationEvent } from '../automation-firing';
import type { EventWrites } from './automations';

export interface CustomersHost extends Pick<Host, 'tx'> {
  customers: CustomerStore;
  events: EventWrites;
}

const customerEvent = (name: 'customer_add' | 'customer_update' | 'customer_remove', customer: Customer) =>
  ({ name, id: crypto.randomUUID(), payload: customer, customerId: customer.customer_id }) as AutomationEvent;

/** Customers and their tokens (docs/customers.md). Each write fires its automation event in its transaction. */
export class CustomersRpc {
  constructor(private readonly h: CustomersHost) {}

  createCustomer(input: CustomerInput, actor: string) {
    return this.h.events.write((fire) => {
      const customer = this.h.customers.create(input, actor);
      fire(customerEvent('customer_add', customer));
      return customer;
    }, actor);
  }
  importCustomers(inputs: unknown[], actor: string) {
    return this.h.events.write((fire) => {
      const created = this.h.customers.import(inputs, actor);
      for (const { customer_id } of created) fire(customerEvent('customer_add', this.h.customers.get(customer_id)));
      return created;
    }, actor);
  }
  /** The customer, deleted ones as their tombstone; a not_found DomainError when the customer_id was never used. */
  getCustomer(customerId: string) {
    return this.h.customers.get(customerId);
  }
  listCustomers(query: CustomerListQuery) {
    return this.h.customers.list(query);
  }
  updateCustomer(customerId: string, patch: CustomerUpdate, actor: string) {
    return this.h.events.write((fire) => {
      const customer = this.h.customers.update(customerId, patch, actor);
      fire(customerEvent('customer_update', customer));
      return customer;
    }, actor);
  }
  deleteCustomer(customerId: string, actor: string) {
    return this.h.events.write((fire) => {
      const wasLive = this.h.customers.find(customerId) !== null;
      const customer = this.h.customers.delete(customerId, actor);
      if (wasLive) fire(customerEvent('customer_remove', customer));
      return customer;
    }, actor);
  }
  /** `eventId`: what makes a resent event act once (functions/routes/events.ts says how it is chosen). */
  async addToken(token: TokenInput, eventId: string, actor: string): Promise<void> {
    await this.h.events.write((fire) => {
      this.h.customers.addToken(token);
      fire({ name: 'token_add', id: eventId, payload: token, customerId: token.customer_id ?? null });
    }, actor);
  }
  async removeToken(token: TokenInput, eventId: string, actor: string): Promise<void> {
    await this.h.events.write((fire) => {
      const customerId = token.customer_id ?? this.h.customers.resolveToken(token);
      this.h.customers.removeToken(token);
      fire({ name: 'token_remove', id: eventId, payload: token, customerId });
    }, actor);
  }
}
