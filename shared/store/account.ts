import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import type { ClientCreate } from '../schemas/auth';
import type { RuleInput, RuleListQuery, RuleUpdate } from '../schemas/rule';
import { ClientStore, clientMigrations } from './clients';
import { CustomerStore, customerMigrations, type TokenInput } from './customers';
import type { CustomerInput, CustomerListQuery, CustomerUpdate } from '../schemas/customer';
import { applyMigrations, inOrder, metaMigrations } from './migrations';
import { RefStore } from './refs';
import { purchaseCountMigrations, refMigrations, stampSpendMigrations } from './refs-migrations';
import { ReceiptEvaluator } from './evaluation';
import { answerErrorsOverRpc } from './rpc-errors';
import type { ReceiptInput } from '../schemas/receipt';
import { ClaimStore, claimMigrations } from './claims';
import { CheckoutStore, checkoutMigrations } from './checkout';
import { CheckoutDesk, type SignedCall } from './checkout-callbacks';
import type { CheckoutEventsQuery } from '../schemas/checkout';
import type { CustomerRulesQuery, RefGive, RefListQuery, RefTake, UsageListQuery, UsageRef } from '../schemas/ref';
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
import { registerAccount } from '../maintenance/registry';

/** Every area's migrations, applied in MIGRATION_ORDER (shared/store/migrations.ts). */
export const MIGRATIONS = inOrder([
  ...metaMigrations,
  ...ruleMigrations,
  ...clientMigrations,
  ...refMigrations,
  ...stampSpendMigrations,
  ...purchaseCountMigrations,
  ...claimMigrations,
  ...customerMigrations,
  ...settingsMigrations,
  ...campaignMigrations,
  ...checkoutMigrations,
  ...maintenanceMigrations,
]);

/**
 * One merchant account's system of record (one object per account id). It owns transactions and
 * storage; it knows nothing about HTTP. Every method is an RPC called by the Worker's routes.
 */
export class AccountStore extends DurableObject<Env> {
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

  constructor(ctx: DurableObjectState, env: Env) {
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
      secretsKey: () => this.env.SECRETS_KEY,
      tx: (fn) => this.tx(fn),
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

  // Public offers (storefront): the cached path makes exactly one call, `publicCacheInfo`.
  publicCacheInfo() {
    return this.publicRules.cacheInfo();
  }
  listPublicRules(query: PublicRulesQuery, now: number) {
    return this.publicRules.list(query, now);
  }
  getPublicRule(id: string, now: number) {
    return this.publicRules.get(id, now);
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
  evaluateReceipt(receipt: ReceiptInput, now: string) {
    return this.evaluator.evaluate(receipt, now);
  }

  // Rules (every write invalidates the compiled rule set the evaluator keeps in memory)
  createRule(input: RuleInput, actor: string) {
    this.evaluator.rulesChanged();
    return this.tx(() => this.rules.create(input, actor, crypto.randomUUID()));
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
    return this.tx(() => this.maintenance.unarchive(id, this.rules.update(id, patch, actor, expireStamps)));
  }
  deleteRule(id: string, actor: string) {
    this.evaluator.rulesChanged();
    return this.tx(() => this.rules.delete(id, actor));
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
    return this.tx(() => this.customers.create(input, actor));
  }
  importCustomers(inputs: unknown[], actor: string) {
    return this.tx(() => this.customers.import(inputs, actor));
  }
  /** The customer, deleted ones as their tombstone; a not_found DomainError when the customer_id was never used. */
  getCustomer(customerId: string) {
    return this.customers.get(customerId);
  }
  listCustomers(query: CustomerListQuery) {
    return this.customers.list(query);
  }
  updateCustomer(customerId: string, patch: CustomerUpdate, actor: string) {
    return this.tx(() => this.customers.update(customerId, patch, actor));
  }
  setCustomerTags(customerId: string, tagIds: string[], actor: string) {
    return this.tx(() => this.customers.setTags(customerId, tagIds, actor));
  }
  deleteCustomer(customerId: string, actor: string) {
    return this.tx(() => this.customers.delete(customerId, actor));
  }
  addToken(token: TokenInput): void {
    this.tx(() => this.customers.addToken(token));
  }
  removeToken(token: TokenInput): void {
    this.tx(() => this.customers.removeToken(token));
  }

  // Refs (docs/refs.md)
  giveRule(ruleId: string, input: RefGive, actor: string) {
    return this.tx(() => this.refs.give(ruleId, input, actor));
  }
  takeRule(ruleId: string, input: RefTake, actor: string) {
    return this.tx(() => this.refs.take(ruleId, input.customers, actor));
  }
  listRefs(ruleId: string, query: RefListQuery) {
    return this.refs.list(ruleId, query);
  }
  listUsages(ruleId: string, query: UsageListQuery) {
    return this.refs.ledger.usages(ruleId, query);
  }
  customerRules(customerId: string, query: CustomerRulesQuery) {
    return this.refs.customerRules(customerId, query);
  }
  customerRef(customerId: string, refId: string) {
    return this.refs.customerRef(customerId, refId);
  }
  addRefUsage(customerId: string, refId: string, usage: UsageRef, actor: string) {
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
    return this.tx(() => {
      if (this.claims.receiptRecorded(receipt)) return { recorded: false, refs: 0 };
      const result = this.evaluator.evaluate(receipt, new Date().toISOString());
      return this.claims.recordReceipt(receipt as Receipt, result.receipt.customer_id ?? null, result, actor);
    });
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
    return this.maintenance.run(Number.isFinite(now) ? now : Date.now());
  }
  maintenanceStatus() {
    return this.maintenance.status();
  }
}

// RPC callers get expected errors (404, 409, a limit reached) as values, not logged exceptions.
answerErrorsOverRpc(AccountStore);
