import { AccountCleanup } from '../maintenance/cleanup';
import { maintenanceMigrations } from '../maintenance/migrations';
import { AccountBase, mountCapabilities, type AccountBindings, type RpcOf } from './account-base';
import { AutomationFiring } from './automation-firing';
import { AutomationStore, automationMigrations } from './automations';
import { BudgetStore, budgetMigrations } from './budgets';
import { CampaignStore, campaignMigrations } from './campaigns';
import { AutomationsRpc, EventWrites } from './capabilities/automations';
import { CampaignsRpc } from './capabilities/campaigns';
import { CheckoutRpc } from './capabilities/checkout';
import { CodesRpc } from './capabilities/codes';
import { ClaimsRpc } from './capabilities/claims';
import { ClientsRpc } from './capabilities/clients';
import { CustomersRpc } from './capabilities/customers';
import { CustomerApiRpc } from './capabilities/customer-api';
import { LocationsRpc } from './capabilities/locations';
import { customerTagMigrations, CustomerTagRegistry } from './customer-tags';
import { customerTokenMigrations } from './customer-tokens';
import { LocationStore, locationMigrations } from './locations';
import { TokenEvents } from './token-events';
import { MaintenanceRpc } from './capabilities/maintenance';
import { RefsRpc } from './capabilities/refs';
import { RulesRpc } from './capabilities/rules';
import { StorefrontRpc } from './capabilities/storefront';
import { CheckoutStore, checkoutMigrations } from './checkout';
import { CheckoutDesk } from './checkout-callbacks';
import { ClaimStore, claimMigrations } from './claims';
import { ClientStore, clientMigrations } from './clients';
import { CodePoolStore, codeMigrations } from './codes';
import { CustomerStore, customerMigrations } from './customers';
import { DeliveryOutbox } from './deliveries';
import { ReceiptEvaluator } from './evaluation';
import { inOrder, metaMigrations } from './migrations';
import { PublicRulesStore } from './public-rules';
import { RefStore } from './refs';
import { bonusMigrations, purchaseCountMigrations, refMigrations, stampSpendMigrations } from './refs-migrations';
import { RuleStore, ruleMigrations } from './rules';
import { SearchIndex, searchMigrations } from './search';
import { SettingsStore, settingsMigrations } from './settings';
import { SigningSecretStore } from './signing-secret';

export type { AccountBindings };

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
  ...codeMigrations,
  ...budgetMigrations,
  ...customerTokenMigrations,
  ...customerTagMigrations,
  ...locationMigrations,
]);

/**
 * The object's RPC surface, one entry per capability (shared/store/capabilities/): each class's
 * methods are RPC methods of the object, and nothing else is. A new capability is a module there
 * plus one entry here (and its instance in the constructor).
 */
const CAPABILITIES = {
  storefront: StorefrontRpc,
  campaigns: CampaignsRpc,
  rules: RulesRpc,
  clients: ClientsRpc,
  customers: CustomersRpc,
  refs: RefsRpc,
  claims: ClaimsRpc,
  automations: AutomationsRpc,
  checkout: CheckoutRpc,
  maintenance: MaintenanceRpc,
  codes: CodesRpc,
  customerApi: CustomerApiRpc,
  locations: LocationsRpc,
};
type Capabilities = { [K in keyof typeof CAPABILITIES]: InstanceType<(typeof CAPABILITIES)[K]> };
type Surface = RpcOf<Capabilities[keyof Capabilities]>;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** Every capability's methods, as methods of the object (what `DurableObjectNamespace<AccountStore>` types). */
export type AccountRpc = UnionToIntersection<Surface>;

/**
 * One merchant account's system of record (one object per account id): it owns transactions
 * and storage and knows nothing about HTTP. The stores below own their tables; the capabilities
 * own the RPC surface and reach the stores through narrow hosts.
 */
// The interface declares what mountCapabilities puts on the class's prototype.
export interface AccountStore extends AccountRpc {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface is exactly what the prototype gets.
export class AccountStore extends AccountBase {
  /** Read by the methods mountCapabilities puts on the prototype. */
  protected readonly capabilities: Capabilities;
  /** Kept on the object too, so a test inside it can read `compilations` (test/available). */
  protected readonly evaluator: ReceiptEvaluator;

  constructor(ctx: DurableObjectState, env: AccountBindings) {
    super(ctx, env, MIGRATIONS);
    const { sql, host } = this;
    const { tx } = host;
    const rules = new RuleStore(sql);
    const settings = new SettingsStore(sql);
    const customers = new CustomerStore(sql);
    const refs = new RefStore(sql, rules);
    const codes = new CodePoolStore(sql);
    const budgets = new BudgetStore(sql, (id) => rules.body(id));
    const claims = new ClaimStore(sql, refs, rules, codes, budgets);
    const checkout = new CheckoutStore(sql);
    const search = new SearchIndex(sql, (id) => rules.body(id));
    const automations = new AutomationStore(sql, { rule: (id) => rules.body(id) });
    const signing = new SigningSecretStore(sql);
    const outbox = new DeliveryOutbox(sql, () => signing.get()?.sealed ?? null);
    const clients = new ClientStore(sql);
    const firing = new AutomationFiring(sql, {
      automations,
      outbox,
      author: (clientId) => clients.standing(clientId),
      rule: (id) => rules.body(id),
      give: (ruleId, customerId, actor) => refs.give(ruleId, { customers: [customerId] }, actor),
    });
    const automationHost = { ...host, automations, firing, outbox, signing };
    const evaluator = new ReceiptEvaluator({
      liveRules: () => rules.liveRules(),
      liveRule: (id) => rules.liveRule(id),
      refsForPurchase: (customerId, ruleIds) => refs.forPurchase(customerId, ruleIds),
      resolveToken: (token) => customers.resolveToken(token),
      customerFacts: (customerId) => customers.find(customerId) as Record<string, unknown> | null,
      isRule: (id) => rules.exists(id),
      poolCodes: (receiptCodes) => codes.match(receiptCodes),
      budgetsLeft: (ruleIds, ruleOf) => budgets.left(ruleIds, ruleOf),
    });
    this.evaluator = evaluator;
    const desk = new CheckoutDesk({
      store: checkout,
      claims,
      evaluate: (receipt, now, codes) => evaluator.evaluate(receipt, now, false, codes),
      evaluateEach: (receipts, now) => evaluator.evaluateEach(receipts, now),
      discountCodeOf: (ruleId) => rules.body(ruleId)?.requirement?.discount_code,
      shippingRules: () => evaluator.shippingRules(),
      isRule: (id) => rules.body(id) !== undefined,
      allowUnsigned: () => settings.values().checkout.allow_unsigned_callbacks,
      // Read at each call, not captured: the Worker's secrets are what the object holds now.
      secretsKeys: () => ({ current: this.env.SECRETS_KEY, previous: this.env.SECRETS_KEY_PREVIOUS }),
      tx,
    });
    const cleanup = new AccountCleanup(sql, {
      retentionDays: () => settings.values().retention_days,
      purgeCustomer: (seq) => customers.purge(seq),
      rulesChanged: (ids) => evaluator.rulesChanged(ids),
      transaction: tx,
    });
    const events = new EventWrites(automationHost);
    this.emptiedEachCall(rules, budgets);

    this.capabilities = {
      storefront: new StorefrontRpc({ ...host, settings, publicRules: new PublicRulesStore(sql, settings) }),
      campaigns: new CampaignsRpc({ ...host, campaigns: new CampaignStore(sql), budgets }),
      rules: new RulesRpc({ ...host, rules, search, evaluator, automations, maintenance: cleanup, budgets }),
      clients: new ClientsRpc({ ...host, clients }),
      customers: new CustomersRpc({ ...host, customers, events }),
      refs: new RefsRpc({ ...host, refs, rules }),
      claims: new ClaimsRpc({ ...host, claims, evaluator, events }),
      automations: new AutomationsRpc(automationHost),
      checkout: new CheckoutRpc({ ...host, checkout, desk }),
      maintenance: new MaintenanceRpc({ ...host, cleanup, settings, automations: outbox, desk, events, signing }),
      codes: new CodesRpc({ ...host, codes, rules, evaluator }),
      customerApi: new CustomerApiRpc({
        ...host,
        customers,
        tags: new CustomerTagRegistry(sql),
        tokenEvents: new TokenEvents(sql),
      }),
      locations: new LocationsRpc({ ...host, locations: new LocationStore(sql) }),
    };
  }

  static {
    // RPC callers get expected errors (404, 409, a limit reached) as values, not logged exceptions.
    mountCapabilities(AccountStore, CAPABILITIES, (self) => self.host.fresh());
  }
}
