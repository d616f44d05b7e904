import { DurableObject } from 'cloudflare:workers';
import type { DeliveryMessage } from '../automations/delivery-message';
import type { ClientCreate } from '../schemas/auth';
import type { Rule, RuleInput, RuleListQuery, RuleUpdate } from '../schemas/rule';
import { ClientStore, clientMigrations } from './clients';
import type { TokenInput } from './customer-tokens';
import { CustomerStore, customerMigrations } from './customers';
import type { Customer, CustomerInput, CustomerListQuery, CustomerUpdate } from '../schemas/customer';
import { applyMigrations, inOrder, metaMigrations } from './migrations';
import { RefStore } from './refs';
import { bonusMigrations, purchaseCountMigrations, refMigrations, stampSpendMigrations } from './refs-migrations';
import { ReceiptEvaluator } from './evaluation';
import { answerErrorsOverRpc } from './rpc-errors';
import { DAY_MS } from '../engine/usability';
import type { ReceiptInput } from '../schemas/receipt';
import { ClaimStore, claimMigrations } from './claims';
import { CheckoutStore, checkoutMigrations } from './checkout';
import { CheckoutDesk, type SignedCall } from './checkout-callbacks';
import type { CheckoutEventsQuery } from '../schemas/checkout';
import type { CustomerRulesQuery, RefGive, RefListQuery, RefTake, UsageListQuery, UsageRef } from '../schemas/ref';
import type { DiscountUsageQuery } from '../schemas/usage';
import type { ClaimInput, ClaimListQuery } from '../schemas/claim';
import type { Receipt } from '../engine/types';
import { RuleStore, ruleMigrations } from './rules';
import { CampaignStore, campaignMigrations } from './campaigns';
import { PublicRulesStore } from './public-rules';
import { SettingsStore, settingsMigrations } from './settings';
import type { CampaignInput, CampaignListQuery, CampaignUpdate } from '../schemas/campaign';
import type { PublicRulesQuery } from '../schemas/public-rules';
import type { SettingsPatch } from '../schemas/settings';
import { AccountCleanup } from '../maintenance/cleanup';
import { maintenanceMigrations } from '../maintenance/migrations';
import { registerAccount, type RegistryBindings } from '../maintenance/registry';
import { AutomationStore, automationMigrations, type AttemptResult, type AutomationEvent } from './automations';
import type { AutomationInput, AutomationListQuery, DeliveryListQuery } from '../schemas/automation';
import { SearchIndex, searchMigrations } from './search';
import type { SearchInput, SearchQuery } from '../schemas/search';

/** Every area's migrations, applied in MIGRATION_ORDER (shared/store/migrations.ts). */
export const MIGRATIONS = inOrder([
  ...metaMigrations,
  ...ruleMigrations,
  ...clientMigrations,
  ...refMigrations,
  ...stampSpendMigrations,
  ...purchaseCountMigrations,
  ...bonusMigrations,
  ...claimMigrations,
  ...customerMigrations,
  ...settingsMigrations,
  ...campaignMigrations,
  ...checkoutMigrations,
  ...maintenanceMigrations,
  ...automationMigrations,
  ...searchMigrations,
]);

/**
 * The bindings the object uses, and no more: the Worker's `Env` (shared/env.ts) names this class,
 * so the object naming `Env` back would be a cycle.
 */
export interface AccountBindings extends RegistryBindings {
  SECRETS_KEY?: string;
  SECRETS_KEY_PREVIOUS?: string;
  DELIVERIES: Queue<DeliveryMessage>;
}

/**
 * One merchant account's system of record (one object per account id). It owns transactions and
 * storage; it knows nothing about HTTP. Every method is an RPC called by the Worker's routes.
 */
export class AccountStore extends DurableObject<AccountBindings> {
  private readonly rules: RuleStore;
  private readonly campaigns: CampaignStore;
  private readonly settings: SettingsStore;
  private readonly publicRules: PublicRulesStore;
  private readonly clients: ClientStore;
  private readonly customers: CustomerStore;
  private readonly refs: RefStore;
  private readonly claims: ClaimStore;
  private readonly evaluator: ReceiptEvaluator;
  private readonly checkout: CheckoutStore;
  private readonly checkoutDesk: CheckoutDesk;
  private readonly maintenance: AccountCleanup;
  private readonly automations: AutomationStore;
  private readonly search: SearchIndex;

  constructor(ctx: DurableObjectState, env: AccountBindings) {
    super(ctx, env);
    applyMigrations(ctx.storage, MIGRATIONS);
    this.rules = new RuleStore(ctx.storage.sql);
    this.campaigns = new CampaignStore(ctx.storage.sql);
    this.settings = new SettingsStore(ctx.storage.sql);
    this.publicRules = new PublicRulesStore(ctx.storage.sql, this.settings);
    this.clients = new ClientStore(ctx.storage.sql);
    this.customers = new CustomerStore(ctx.storage.sql);
    this.refs = new RefStore(ctx.storage.sql, this.rules);
    this.claims = new ClaimStore(ctx.storage.sql, this.refs, this.rules);
    this.evaluator = new ReceiptEvaluator({
      liveRules: () => this.rules.liveRules(),
      refsForPurchase: (customerId, ruleIds) => this.refs.forPurchase(customerId, ruleIds),
      resolveToken: (token) => this.customers.resolveToken(token),
      customerFacts: (customerId) => this.customers.find(customerId) as Record<string, unknown> | null,
      isRule: (id) => this.rules.exists(id),
    });
    this.checkout = new CheckoutStore(ctx.storage.sql);
    this.checkoutDesk = new CheckoutDesk({
      store: this.checkout,
      claims: this.claims,
      evaluate: (receipt, now) => this.evaluator.evaluate(receipt, now),
      discountCodeOf: (ruleId) => this.rules.body(ruleId)?.requirement?.discount_code,
      isRule: (id) => this.rules.body(id) !== undefined,
      allowUnsigned: () => this.settings.values().checkout.allow_unsigned_callbacks,
      secretsKeys: () => ({ current: this.env.SECRETS_KEY, previous: this.env.SECRETS_KEY_PREVIOUS }),
      tx: (fn) => this.tx(fn),
    });
    this.search = new SearchIndex(ctx.storage.sql, (id) => this.rules.body(id));
    this.automations = new AutomationStore(ctx.storage.sql, {
      rule: (id) => this.rules.body(id),
      give: (ruleId, customerId, actor) => this.refs.give(ruleId, { customers: [customerId] }, actor),
    });
    this.maintenance = new AccountCleanup(ctx.storage.sql, {
      retentionDays: () => this.settings.values().retention_days,
      purgeCustomer: (seq) => this.customers.purge(seq),
      rulesChanged: () => this.evaluator.rulesChanged(),
      transaction: (fn) => this.tx(fn),
    });
  }

  /**
   * Every write runs here. A field, not a method: stores call it, and it must keep throwing (see
   * rpc-errors.ts). The first write registers the account for the cron: reads alone (an anonymous
   * storefront request for any well-formed id, a refused callback) never make an account the cron
   * has to visit.
   */
  private readonly tx = <T>(fn: () => T): T => {
    this.fresh();
    const result = this.ctx.storage.transactionSync(fn);
    if (!this.registration) {
      // One attempt at a time; a failed one is forgotten so the next write tries again.
      this.registration = registerAccount(this.ctx, this.env).then((ok) => {
        if (!ok) this.registration = undefined;
        return ok;
      });
    }
    return result;
  };
  private registration: Promise<boolean> | undefined;

  /**
   * For writes that let callers without a token in (an API client, a checkout secret, public
   * offers settings): answered only once the account directory lists the account, so the
   * Worker's gate (shared/account-directory.ts) lets the next such request through.
   */
  private async listed<T>(result: T): Promise<T> {
    await (this.registration ?? registerAccount(this.ctx, this.env));
    return result;
  }

  /**
   * Empties the per-call caches (rule bodies, rules.ts). Runs at the start of every RPC call and
   * of every transaction (an async call may have waited since it started, and a transaction
   * decides from what storage holds), so no method can forget it.
   */
  private readonly fresh = (): void => {
    this.rules.fresh();
  };

  // Wraps every public method (each is an RPC) so it starts with `fresh()`; answerErrorsOverRpc
  // (below the class) wraps them again. A static block, so it may call the private `fresh`.
  static {
    const proto: object = AccountStore.prototype;
    let running = 0;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      const method: unknown = descriptor?.value;
      if (name === 'constructor' || typeof method !== 'function') continue;
      Object.defineProperty(proto, name, {
        ...descriptor,
        value(this: AccountStore, ...args: unknown[]) {
          // A call the object makes to its own methods keeps the caller's caches.
          if (running === 0) this.fresh();
          running++;
          try {
            return method.apply(this, args);
          } finally {
            running--;
          }
        },
      });
    }
  }

  // Public offers (storefront): called only when the edge cache has no usable entry
  // (functions/public-cache.ts). `publicReads` counts those calls for tests and benchmarks.
  private publicReads = 0;
  publicCacheInfo() {
    this.publicReads++;
    return this.publicRules.cacheInfo();
  }
  listPublicRules(query: PublicRulesQuery, now: number) {
    this.publicReads++;
    return this.publicRules.list(query, now);
  }
  getPublicRule(id: string, now: number) {
    this.publicReads++;
    return this.publicRules.get(id, now);
  }
  publicReadCount() {
    return this.publicReads;
  }

  // Settings
  getSettings() {
    return this.settings.get();
  }
  updateSettings(patch: SettingsPatch, actor: string) {
    return this.listed(this.tx(() => this.settings.update(patch, actor)));
  }

  // Campaigns
  createCampaign(input: CampaignInput, actor: string) {
    return this.tx(() => this.campaigns.create(input, actor, crypto.randomUUID()));
  }
  getCampaign(campaignId: string) {
    return this.campaigns.get(campaignId);
  }
  listCampaigns(query: CampaignListQuery) {
    return this.campaigns.list(query);
  }
  updateCampaign(campaignId: string, patch: CampaignUpdate, actor: string) {
    return this.tx(() => this.campaigns.update(campaignId, patch, actor));
  }
  deleteCampaign(campaignId: string, actor: string) {
    return this.tx(() => this.campaigns.delete(campaignId, actor));
  }

  // Receipts: evaluation never writes.
  /**
   * The hot path's form: the receipt (already validated by the Worker) in and the answer out as
   * JSON text. Strings cross RPC as one copy; the same objects cost a structured clone each way,
   * several times the JSON work for a 50-line receipt (bench/RESULTS.md, "Hot paths"). With
   * `explain`, the answer carries `explanations[]` (docs/explain.md).
   */
  evaluateReceiptJson(receipt: string, now: string, explain = false): string {
    const result = this.evaluator.evaluate(JSON.parse(receipt) as ReceiptInput, now, explain);
    return JSON.stringify(explain ? { ...result.receipt, explanations: result.explanations ?? [] } : result.receipt);
  }

  // Rules (every write invalidates the compiled rule set the evaluator keeps in memory)
  createRule(input: RuleInput, actor: string) {
    this.evaluator.rulesChanged();
    return this.tx(() => this.indexed(this.rules.create(input, actor, crypto.randomUUID())));
  }
  /** Rule search's index follows every rule write, in the write's transaction. */
  private readonly indexed = (rule: Rule) => {
    this.search.index(rule);
    return rule;
  };
  searchRules(input: SearchInput, query: SearchQuery) {
    return this.search.search(input, query);
  }
  getRule(id: string, withStatistics: boolean) {
    return this.rules.get(id, withStatistics);
  }
  listRules(query: RuleListQuery) {
    return this.rules.list(query);
  }
  updateRule(id: string, patch: RuleUpdate, actor: string, expireStamps = false) {
    this.evaluator.rulesChanged();
    // An archived rule that is changed (e.g. purchase_to moved later) rejoins the engine's set;
    // the next cleanup archives it again if its window still ended long ago.
    return this.tx(() =>
      this.indexed(this.maintenance.unarchive(id, this.rules.update(id, patch, actor, expireStamps))),
    );
  }
  deleteRule(id: string, actor: string) {
    this.evaluator.rulesChanged();
    // Deleting a discount deletes the automations that give it (Dintero: "rules automations
    // belonging to the discount will be deleted").
    return this.tx(() => {
      const deleted = this.rules.delete(id, actor);
      this.search.unindex(id);
      this.automations.deleteForRule(id, actor);
      return deleted;
    });
  }

  // API clients
  createClient(input: ClientCreate, clientId: string, salt: string, secretHash: string, actor: string) {
    return this.listed(this.tx(() => this.clients.create(input, clientId, salt, secretHash, actor)));
  }
  listClients() {
    return this.clients.list();
  }
  clientCredentials(clientId: string) {
    return this.clients.credentials(clientId);
  }
  revokeClient(clientId: string, actor: string) {
    return this.tx(() => this.clients.revoke(clientId, actor));
  }

  // Customers (docs/customers.md)
  createCustomer(input: CustomerInput, actor: string) {
    return this.withEvents((fire) => {
      const customer = this.customers.create(input, actor);
      fire(customerEvent('customer_add', customer));
      return customer;
    }, actor);
  }
  importCustomers(inputs: unknown[], actor: string) {
    return this.withEvents((fire) => {
      const created = this.customers.import(inputs, actor);
      for (const { customer_id } of created) fire(customerEvent('customer_add', this.customers.get(customer_id)));
      return created;
    }, actor);
  }
  /** The customer, deleted ones as their tombstone; a not_found DomainError when the customer_id was never used. */
  getCustomer(customerId: string) {
    return this.customers.get(customerId);
  }
  listCustomers(query: CustomerListQuery) {
    return this.customers.list(query);
  }
  updateCustomer(customerId: string, patch: CustomerUpdate, actor: string) {
    return this.withEvents((fire) => {
      const customer = this.customers.update(customerId, patch, actor);
      fire(customerEvent('customer_update', customer));
      return customer;
    }, actor);
  }
  setCustomerTags(customerId: string, tagIds: string[], actor: string) {
    return this.tx(() => this.customers.setTags(customerId, tagIds, actor));
  }
  deleteCustomer(customerId: string, actor: string) {
    return this.withEvents((fire) => {
      const wasLive = this.customers.find(customerId) !== null;
      const customer = this.customers.delete(customerId, actor);
      if (wasLive) fire(customerEvent('customer_remove', customer));
      return customer;
    }, actor);
  }
  /** `eventId`: what makes a resent event act once (functions/routes/events.ts says how it is chosen). */
  async addToken(token: TokenInput, eventId: string, actor: string): Promise<void> {
    await this.withEvents((fire) => {
      this.customers.addToken(token);
      fire({ name: 'token_add', id: eventId, payload: token, customerId: token.customer_id ?? null });
    }, actor);
  }
  async removeToken(token: TokenInput, eventId: string, actor: string): Promise<void> {
    await this.withEvents((fire) => {
      const customerId = token.customer_id ?? this.customers.resolveToken(token);
      this.customers.removeToken(token);
      fire({ name: 'token_remove', id: eventId, payload: token, customerId });
    }, actor);
  }

  // Refs (docs/refs.md)
  /** Dintero answers giving and taking back with the rule and its statistics; `refs` says which refs changed. */
  giveRule(ruleId: string, input: RefGive, actor: string) {
    return this.tx(() => {
      const refs = this.refs.give(ruleId, input, actor);
      return { ...this.rules.get(ruleId, true), refs };
    });
  }
  takeRule(ruleId: string, input: RefTake, actor: string) {
    return this.tx(() => {
      const refs = this.refs.take(ruleId, input.customers, actor);
      return { ...this.rules.get(ruleId, true), refs };
    });
  }
  listRefs(ruleId: string, query: RefListQuery) {
    return this.refs.list(ruleId, query);
  }
  /** Dintero's `DiscountUsage[]`: one entry per ref (a `*` ref's figures sum every customer). */
  listUsages(ruleId: string, query: DiscountUsageQuery) {
    return this.refs.discountUsages(ruleId, query);
  }
  /** The rule's ledger: one entry per row a claim, receipt or usage_ref wrote (released ones too). */
  listLedger(ruleId: string, query: UsageListQuery) {
    return this.refs.ledger.usages(ruleId, query);
  }
  customerRules(customerId: string, query: CustomerRulesQuery) {
    return this.refs.customerRules(customerId, query);
  }
  customerRef(customerId: string, refId: string) {
    return this.refs.customerRef(customerId, refId);
  }
  addRefUsage(customerId: string, refId: string, usage: UsageRef | undefined, actor: string) {
    return this.tx(() => this.refs.addUsage(customerId, refId, usage, actor));
  }
  deleteCustomerRef(customerId: string, refId: string, actor: string) {
    return this.tx(() => this.refs.deleteCustomerRef(customerId, refId, actor));
  }
  // Claims (docs/claims.md)
  createClaim(input: ClaimInput, ref: string | null, bodyHash: string, actor: string) {
    return this.tx(() => this.claims.claim(input, ref, bodyHash, actor));
  }
  getClaim(claimId: string) {
    return this.claims.get(claimId);
  }
  claimByRef(ref: string) {
    return this.claims.byRef(ref) ?? null;
  }
  listClaims(query: ClaimListQuery) {
    return this.claims.list(query);
  }
  releaseClaim(claimId: string, actor: string) {
    return this.tx(() => this.claims.release(claimId, actor));
  }
  /**
   * `receipt_add`: evaluates a completed receipt exactly as available_for_receipt does (customer
   * by id or token) and records what it grants, once per (store, receipt id), in one transaction.
   */
  recordReceipt(receipt: ReceiptInput, actor: string) {
    return this.withEvents((fire) => {
      if (this.claims.receiptRecorded(receipt)) return { recorded: false, refs: 0 };
      const result = this.evaluator.evaluate(receipt, new Date().toISOString());
      const customerId = result.receipt.customer_id ?? null;
      // Automations see a receipt once, like its stamps and usage: keyed by store and receipt id.
      const id = `receipt:${receipt.store.id}:${receipt.receipt_id}`;
      fire({ name: 'receipt_add', id, payload: receipt, customerId });
      return this.claims.recordReceipt(receipt as Receipt, customerId, result, actor);
    }, actor);
  }

  // Automations (docs/automations.md)
  /**
   * Runs `write` in one transaction with the automations its events trigger, then hands the
   * deliveries they queued to the Cloudflare Queue. A failed send leaves them pending; the
   * scheduled cleanup sends stranded deliveries again.
   */
  private readonly withEvents = async <T>(write: (fire: (e: AutomationEvent) => void) => T, actor: string) => {
    const queued: string[] = [];
    const result = this.tx(() => write((event) => queued.push(...this.automations.fire(event, actor))));
    await this.enqueueDeliveries(queued);
    return result;
  };
  private readonly enqueueDeliveries = async (ids: string[]) => {
    try {
      for (let i = 0; i < ids.length; i += 100) {
        const chunk = ids.slice(i, i + 100);
        await this.env.DELIVERIES.sendBatch(chunk.map((id) => ({ body: { aid: this.ctx.id.name!, delivery_id: id } })));
        this.ctx.storage.transactionSync(() => this.automations.markEnqueued(chunk));
      }
    } catch (err) {
      console.error(JSON.stringify({ level: 'warn', msg: 'queueing deliveries failed', error: String(err) }));
    }
  };
  createAutomation(input: AutomationInput, actor: string) {
    return this.tx(() => this.automations.create(input, actor, crypto.randomUUID()));
  }
  getAutomation(id: string) {
    return this.automations.get(id);
  }
  listAutomations(query: AutomationListQuery) {
    return this.automations.list(query);
  }
  deleteAutomation(id: string, actor: string) {
    return this.tx(() => this.automations.delete(id, actor));
  }
  listDeliveries(automationId: string, query: DeliveryListQuery) {
    return this.automations.deliveries(automationId, query);
  }
  deliveryToSend(id: string) {
    return this.automations.toSend(id);
  }
  recordDeliveryAttempt(id: string, result: AttemptResult) {
    return this.tx(() => this.automations.recordAttempt(id, result));
  }
  signingSecretStatus() {
    return this.automations.signingSecret();
  }
  /** `replace`: a new secret (the merchant asked); else the first one wins (a delivery needed one). */
  setSigningSecret(sealed: string, actor: string, replace: boolean) {
    return this.tx(() => this.automations.setSigningSecret(sealed, actor, replace));
  }

  // Checkout (docs/checkout.md): Dintero's callbacks are authorised by signature inside the object,
  // so each callback is one RPC and a claim with its log entry one transaction.
  checkoutSignature() {
    return this.checkout.signatureStatus();
  }
  setCheckoutSecret(sealed: string, actor: string) {
    return this.listed(this.tx(() => this.checkout.setSecret(sealed, actor)));
  }
  deleteCheckoutSecret() {
    return this.tx(() => this.checkout.deleteSecret());
  }
  // Bodies arrive as the raw text: they are parsed only after the signature is checked.
  checkoutDiscountCodes(call: SignedCall, bodyText: string, nowMs: number) {
    return this.checkoutDesk.discountCodes(call, bodyText, nowMs);
  }
  checkoutCallback(call: SignedCall, query: Record<string, string>, bodyText: string | undefined, nowMs: number) {
    return this.checkoutDesk.transactionCallback(call, query, bodyText, nowMs);
  }
  listCheckoutEvents(query: CheckoutEventsQuery) {
    return this.checkout.events(query);
  }

  // Scheduled cleanups (docs/maintenance.md): `now` is the cron's scheduled time.
  // The visit also lists accounts registered before the account directory existed.
  async cleanup(now: number) {
    await registerAccount(this.ctx, this.env);
    // Not part of the summary: nothing is deleted, and without a rotation it does nothing.
    await this.checkoutDesk.resealSecret();
    this.fresh(); // storage may have changed while the reseal awaited
    const at = Number.isFinite(now) ? now : Date.now();
    const run = this.maintenance.run(at);
    // Finished deliveries are kept for retention_days, like soft-deleted rows (docs/automations.md).
    const days = this.settings.values().retention_days;
    this.tx(() => this.automations.purgeDeliveries(at - days * DAY_MS));
    // Deliveries the queue never took (a failed send) or lost, pending for 15 minutes: sent again.
    await this.enqueueDeliveries(this.automations.stranded(at - 15 * 60_000));
    return run;
  }
  maintenanceStatus() {
    return this.maintenance.status();
  }
}

const customerEvent = (name: 'customer_add' | 'customer_update' | 'customer_remove', customer: Customer) =>
  ({ name, id: crypto.randomUUID(), payload: customer, customerId: customer.customer_id }) as AutomationEvent;

// RPC callers get expected errors (404, 409, a limit reached) as values, not logged exceptions.
answerErrorsOverRpc(AccountStore);
