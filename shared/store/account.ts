import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import type { ClientCreate } from '../schemas/auth';
import type { RuleInput, RuleListQuery, RuleUpdate } from '../schemas/rule';
import { ClientStore, clientMigrations } from './clients';
import { applyMigrations, contentVersion, metaMigrations } from './migrations';
import { refMigrations } from './refs';
import { RuleStore, ruleMigrations } from './rules';

const MIGRATIONS = [...metaMigrations, ...ruleMigrations, ...clientMigrations, ...refMigrations];

/**
 * One merchant account's system of record (one object per account id). It owns transactions and
 * storage; it knows nothing about HTTP. Every method is an RPC called by the Worker's routes.
 */
export class AccountStore extends DurableObject<Env> {
  private readonly rules: RuleStore;
  private readonly clients: ClientStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applyMigrations(ctx.storage, MIGRATIONS);
    this.rules = new RuleStore(ctx.storage.sql);
    this.clients = new ClientStore(ctx.storage.sql);
  }

  private tx<T>(fn: () => T): T {
    return this.ctx.storage.transactionSync(fn);
  }

  contentVersion(): number {
    return contentVersion(this.ctx.storage.sql);
  }

  // Rules
  createRule(input: RuleInput, actor: string) {
    return this.tx(() => this.rules.create(input, actor, crypto.randomUUID()));
  }
  getRule(id: string, withStatistics: boolean) {
    return this.rules.get(id, withStatistics);
  }
  listRules(query: RuleListQuery) {
    return this.rules.list(query);
  }
  updateRule(id: string, patch: RuleUpdate, actor: string) {
    return this.tx(() => this.rules.update(id, patch, actor));
  }
  deleteRule(id: string, actor: string) {
    return this.tx(() => this.rules.delete(id, actor));
  }

  // API clients
  createClient(input: ClientCreate, clientId: string, salt: string, secretHash: string, actor: string) {
    return this.clients.create(input, clientId, salt, secretHash, actor);
  }
  listClients() {
    return this.clients.list();
  }
  clientCredentials(clientId: string) {
    return this.clients.credentials(clientId);
  }
  revokeClient(clientId: string, actor: string) {
    return this.clients.revoke(clientId, actor);
  }
}
