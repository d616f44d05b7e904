import { Hono } from 'hono';
import type { AppEnv } from './app-env';
import { auth } from './routes/auth';
import { rules } from './routes/rules';
import { campaigns } from './routes/campaigns';
import { publicRules } from './routes/public';
import { settings } from './routes/settings';
import { customers } from './routes/customers';
import { events } from './routes/events';
import { available } from './routes/available';
import { checkout } from './routes/checkout';
import { ruleLedger, ruleRefs, ruleUsages } from './routes/refs';
import { customerRefs } from './routes/customer-refs';
import { claims } from './routes/claims';
import { ruleCodes } from './routes/codes';
import { maintenance } from './routes/maintenance';
import { automations } from './routes/automations';
import { search } from './routes/search';
import { customerApi } from './routes/customer-api';
import { locations } from './routes/locations';
import { notServed } from './routes/not-served';

/**
 * The API's routes as typed chains, apart from the app (functions/app.ts) that mounts them after its
 * middleware: so a client inside the Worker (the console, functions/console/api.ts) can type against
 * them without importing the app, which imports the console.
 */
export const apiRoutes = new Hono<AppEnv>()
  .route('/v1/accounts/:aid/auth', auth)
  .route('/v1/accounts/:aid/discounts/rules', rules)
  .route('/v1/accounts/:aid/discounts/public', publicRules)
  .route('/v1/accounts/:aid/discounts/campaigns', campaigns)
  .route('/v1/accounts/:aid/settings', settings)
  .route('/v1/accounts/:aid/customers/users', customers)
  .route('/v1/accounts/:aid/discounts/events', events)
  .route('/v1/accounts/:aid/discounts/available_for_receipt', available)
  .route('/v1/accounts/:aid/checkout', checkout);

// Refs, usages, claims and maintenance in a second typed chain: one chain typing every route grows
// past TypeScript's instantiation depth. Clients use `AppType` and `RefsAppType` alike.
export const refRoutes = new Hono<AppEnv>()
  .route('/v1/accounts/:aid/discounts/rules/:did/customers', ruleRefs)
  .route('/v1/accounts/:aid/discounts/rules/:did/usages', ruleUsages)
  .route('/v1/accounts/:aid/discounts/rules/:did/ledger', ruleLedger)
  .route('/v1/accounts/:aid/discounts/rules/:did/codes', ruleCodes)
  .route('/v1/accounts/:aid/discounts/customers', customerRefs)
  .route('/v1/accounts/:aid/discounts/available_for_receipt/claims', claims)
  .route('/v1/accounts/:aid/maintenance', maintenance);

// Automations and search: a third typed chain (`AutomationsAppType`), for the same reason.
export const automationRoutes = new Hono<AppEnv>()
  .route('/v1/accounts/:aid/automations', automations)
  .route('/v1/accounts/:aid/discounts/search', search);

// Dintero's Customers API around the customer, locations, and the operations answered 501: a fourth chain.
export const customerApiRoutes = new Hono<AppEnv>()
  .route('/v1/accounts/:aid/customers', customerApi)
  .route('/v1/accounts/:aid/locations', locations)
  .route('/v1/accounts/:aid', notServed);

/** The order the app mounts them in (the catch-all of `notServed` last). */
export const API_CHAINS = [apiRoutes, refRoutes, automationRoutes, customerApiRoutes] as const;

export type AppType = typeof apiRoutes;
export type RefsAppType = typeof refRoutes;
export type AutomationsAppType = typeof automationRoutes;
export type CustomerApiAppType = typeof customerApiRoutes;
