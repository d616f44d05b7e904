import type { AutomationInput, AutomationListQuery, DeliveryListQuery } from '../../schemas/automation';
import type { Host } from '../account-base';
import { newFiringBudget, type AutomationEvent, type AutomationFiring } from '../automation-firing';
import type { AutomationStore } from '../automations';
import type { AttemptResult } from '../contract';
import type { DeliveryOutbox } from '../deliveries';
import type { SigningSecretStore } from '../signing-secret';

export interface AutomationsHost extends Pick<Host, 'tx' | 'env' | 'ctx'> {
  automations: AutomationStore;
  firing: AutomationFiring;
  outbox: DeliveryOutbox;
  signing: SigningSecretStore;
}

/**
 * Writes that fire automation events (customers, tokens, receipts): `write` runs in one
 * transaction with the automations its events trigger, then the deliveries they queued go to the
 * Cloudflare Queue. A failed send leaves them pending; the scheduled cleanup sends stranded
 * deliveries again. Not a capability: the ones whose writes fire events reach it through their host.
 */
export class EventWrites {
  constructor(private readonly h: Pick<AutomationsHost, 'tx' | 'env' | 'ctx' | 'firing' | 'outbox'>) {}

  /** `actor`: the client whose write fires the events (named in the log when a limit stops automations). */
  async write<T>(write: (fire: (e: AutomationEvent) => void) => T, actor: string): Promise<T> {
    const queued: string[] = [];
    const budget = newFiringBudget();
    const result = this.h.tx(() => write((event) => queued.push(...this.h.firing.fire(event, budget))));
    if (budget.skipped) {
      const msg = 'automation limits reached: some automations did not act';
      console.warn(JSON.stringify({ level: 'warn', msg, skipped: budget.skipped, actor }));
    }
    await this.enqueue(queued);
    return result;
  }

  async enqueue(ids: string[]): Promise<void> {
    try {
      for (let i = 0; i < ids.length; i += 100) {
        const chunk = ids.slice(i, i + 100);
        const aid = this.h.ctx.id.name!;
        await this.h.env.DELIVERIES.sendBatch(chunk.map((id) => ({ body: { aid, delivery_id: id } })));
        this.h.ctx.storage.transactionSync(() => this.h.outbox.markEnqueued(chunk));
      }
    } catch (err) {
      console.error(JSON.stringify({ level: 'warn', msg: 'queueing deliveries failed', error: String(err) }));
    }
  }
}

/** Automations (docs/automations.md): definitions, their deliveries, the signing secret. */
export class AutomationsRpc {
  constructor(private readonly h: AutomationsHost) {}

  /** `authorScopes`: the scopes of the token that writes it, the most the automation may ever do. */
  createAutomation(input: AutomationInput, actor: string, authorScopes: string[]) {
    return this.h.tx(() => this.h.automations.create(input, actor, authorScopes, crypto.randomUUID()));
  }
  getAutomation(id: string) {
    return this.h.automations.get(id);
  }
  listAutomations(query: AutomationListQuery) {
    return this.h.automations.list(query);
  }
  deleteAutomation(id: string, actor: string) {
    return this.h.tx(() => this.h.automations.delete(id, actor));
  }
  listDeliveries(automationId: string, query: DeliveryListQuery) {
    this.h.automations.get(automationId);
    return this.h.outbox.list(automationId, query);
  }
  /** The queue consumer's side (functions/deliveries.ts): what to send, and how it went. */
  deliveryToSend(id: string) {
    return this.h.outbox.toSend(id);
  }
  recordDeliveryAttempt(id: string, result: AttemptResult) {
    return this.h.tx(() => this.h.outbox.recordAttempt(id, result));
  }
  signingSecretStatus() {
    return this.h.signing.get();
  }
  /** `replace`: a new secret (the merchant asked); else the first one wins (a delivery needed one). */
  setSigningSecret(sealed: string, actor: string, replace: boolean) {
    return this.h.tx(() => this.h.signing.set(sealed, actor, replace));
  }
  /** The consumer opened the secret with SECRETS_KEY_PREVIOUS: it is kept sealed under SECRETS_KEY from now on. */
  resealSigningSecret(previous: string, resealed: string) {
    return this.h.tx(() => this.h.signing.reseal(previous, resealed));
  }
}
