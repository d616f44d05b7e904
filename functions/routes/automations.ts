import { Hono } from 'hono';
import * as v from 'valibot';
import { storeOf, type AppEnv } from '../app-env';
import { randomSecret } from '../../shared/auth/crypto';
import { scopes } from '../../shared/auth/scopes';
import { seal } from '../../shared/auth/secret-box';
import { SIGNING_SECRET_PURPOSE } from '../deliveries';
import { configuredOwnHosts, refusedUrl } from '../../shared/automations/url';
import { fieldError } from '../../shared/errors';
import { ok } from '../openapi';
import { operation } from '../operation';
import {
  automationCreateSchema,
  automationListQuerySchema,
  automationSchema,
  deliveryListQuerySchema,
  deliverySchema,
  signingSecretSchema,
  signingSecretStatusSchema,
} from '../../shared/schemas/automation';
import { uuidParam } from '../../shared/schemas/common';
import { jsonBody, paramOf, queryOf } from '../validate';

const aridParam = paramOf({ arid: uuidParam('Automation') });
const tags = ['Automations'];

export const exampleAutomation = {
  id: '0d6c2a4e-8b1f-4c3d-9e5a-7f6b8c9d0e1f',
  name: 'Welcome discount',
  requirement: {
    automation_from: '2026-01-01T00:00:00.000Z',
    automation_to: '2026-12-31T23:59:59.000Z',
    events: ['customer_add'],
  },
  limitation: { automation_repeat: 1 },
  actions: [
    { type: 'discount', id: 'cae3e485-0e15-4afa-bc66-472f843efb84' },
    { type: 'http', url: 'https://crm.example.com/hooks/welcome', method: 'POST', body: { who: '$.customer_id' } },
  ],
  created_at: '2026-01-01T08:00:00.000Z',
  created_by: '1c92f7e1-2897-4d46-bdcc-c127a914fb4e',
  updated_at: '2026-01-01T08:00:00.000Z',
};

/** `/automations/rules`: what to do when events arrive (docs/automations.md). */
export const automations = new Hono<AppEnv>()
  .get(
    '/rules',
    operation({
      tags,
      summary: 'List automations',
      description:
        '`state`: `all` (default), `available` (not deleted, `automation_to` not passed), `deleted`. Page with ' +
        '`limit` (1–100, default 10) and `starting_after` (an automation id), oldest first.',
      scopes: scopes.read('automations'),
      responses: { 200: ok(v.array(automationSchema), 'Automations', [exampleAutomation]) },
    }),
    queryOf(automationListQuerySchema),
    async (c) => c.json(await storeOf(c).listAutomations(c.req.valid('query'))),
  )
  .post(
    '/rules',
    operation({
      tags,
      summary: 'Create an automation',
      description:
        'When one of `requirement.events` happens between `automation_from` and `automation_to` and the event ' +
        "matches `requirement.filter` (Dintero's examples spell it `filters`; both are accepted), the actions run: " +
        '`discount` gives the rule to the customer found in the event, exactly as POST ' +
        '/discounts/rules/{did}/customers would (the author needs write:discounts; refs name ' +
        '`automation:<id>`); `http` calls `url` through the delivery queue, signed (see ' +
        '/automations/signing_secret). `limitation.automation_repeat` (default 1, -1 no limit) caps how often one ' +
        "customer triggers it. A discount action needs `automation_to` at or before the rule's `purchase_to`. " +
        "An automation acts with its author's scopes: filters and bodies see only the event fields the author may " +
        'read (docs/automations.md), and it stops when the author client is revoked. At most 50 per account.',
      scopes: scopes.write('automations'),
      requestExample: {
        name: 'purchase at store sc029',
        requirement: {
          events: ['receipt_add'],
          automation_from: '2026-01-01T00:00:00Z',
          automation_to: '2026-06-30T23:59:59Z',
          filters: { '$.store.id': ['sc029'] },
        },
        actions: [{ type: 'discount', id: 'cae3e485-0e15-4afa-bc66-472f843efb84' }],
        limitation: { automation_repeat: 1 },
      },
      responses: { 200: ok(automationSchema, 'The new automation', exampleAutomation) },
    }),
    jsonBody(automationCreateSchema),
    async (c) => {
      const input = c.req.valid('json');
      // rabatt's own host is never a receiver: the deliveries list would answer for our own API.
      const ownHosts = [new URL(c.req.url).hostname, ...configuredOwnHosts(c.env)];
      input.actions.forEach((action, i) => {
        const refused = action.type === 'http' ? refusedUrl(action.url, c.env, ownHosts) : undefined;
        if (refused) throw fieldError(`actions.${i}.url`, refused, 'url');
      });
      const { clientId, scopes: held } = c.get('caller');
      return c.json(await storeOf(c).createAutomation(input, clientId, held));
    },
  )
  .get(
    '/rules/:arid',
    operation({
      tags,
      summary: 'Read an automation (deleted ones too)',
      scopes: scopes.read('automations'),
      responses: { 200: ok(automationSchema, 'The automation', exampleAutomation) },
    }),
    aridParam,
    async (c) => c.json(await storeOf(c).getAutomation(c.req.valid('param').arid)),
  )
  .delete(
    '/rules/:arid',
    operation({
      tags,
      summary: 'Delete an automation',
      description:
        'Soft delete: answers the automation with `deleted_at`; deleting again answers the same. Deliveries already ' +
        'queued are still attempted.',
      scopes: scopes.write('automations'),
      responses: {
        200: ok(automationSchema, 'The deleted automation', {
          ...exampleAutomation,
          deleted_at: '2026-02-01T08:00:00.000Z',
          deleted_by: exampleAutomation.created_by,
        }),
      },
    }),
    aridParam,
    async (c) => c.json(await storeOf(c).deleteAutomation(c.req.valid('param').arid, c.get('caller').clientId)),
  )
  .get(
    '/rules/:arid/deliveries',
    operation({
      tags,
      summary: "An automation's HTTP deliveries and their attempts",
      description:
        '`status`: `pending` (queued or waiting for a retry), `succeeded` (2xx), `failed` (the receiver answered ' +
        '3xx/4xx, or the URL is no longer allowed: not retried), `dead` (network errors or 5xx on every one of 5 ' +
        'attempts). Each attempt has its time, outcome, response code and duration; response bodies are never ' +
        'stored. Page with `limit` (1–100) and `starting_after` (a delivery id), oldest first.',
      scopes: scopes.read('automations'),
      responses: {
        200: ok(v.array(deliverySchema), 'Deliveries', [
          {
            id: '5f0e9d8c-7b6a-4594-8382-716a5b4c3d2e',
            automation_id: exampleAutomation.id,
            event: 'customer_add',
            event_id: '2b1a0f9e-8d7c-4b6a-9584-736251403f2e',
            action: 1,
            method: 'POST',
            url: 'https://crm.example.com/hooks/welcome',
            status: 'succeeded',
            attempts: [
              {
                attempt: 1,
                at: '2026-01-02T10:00:01.000Z',
                outcome: 'http_error',
                response_code: 503,
                duration_ms: 84,
              },
              { attempt: 2, at: '2026-01-02T10:00:31.000Z', outcome: 'success', response_code: 204, duration_ms: 61 },
            ],
            created_at: '2026-01-02T10:00:00.000Z',
            updated_at: '2026-01-02T10:00:31.000Z',
          },
        ]),
      },
    }),
    aridParam,
    queryOf(deliveryListQuerySchema),
    async (c) => c.json(await storeOf(c).listDeliveries(c.req.valid('param').arid, c.req.valid('query'))),
  )
  .get(
    '/signing_secret',
    operation({
      tags,
      summary: 'When the delivery signing secret was made',
      description:
        'Never answers the secret itself (it is shown once, when created): `configured`, and when it was made.',
      scopes: scopes.admin('automations'),
      responses: {
        200: ok(signingSecretStatusSchema, 'The secret in force, without its value', {
          configured: true,
          created_at: '2026-01-01T08:00:00.000Z',
          created_by: exampleAutomation.created_by,
        }),
      },
    }),
    async (c) => {
      const status = await storeOf(c).signingSecretStatus();
      if (!status) return c.json({ configured: false });
      return c.json({ configured: true, created_at: status.created_at, created_by: status.created_by });
    },
  )
  .post(
    '/signing_secret',
    operation({
      tags,
      summary: 'Create a new delivery signing secret (shown once)',
      description:
        'Every HTTP delivery carries `Rabatt-Signature: t=<unix seconds>,v2-hmac-sha256=<hex>`, an HMAC-SHA256 ' +
        'with this secret over `t\\nMETHOD\\ncanonical URL\\nRabatt-Delivery-Id\\nRabatt-Event\\nbody` ' +
        '(docs/automations.md has a test vector). The answer is the ' +
        'only time the secret is shown; calling again replaces it, and deliveries sent from then on use the new one.',
      scopes: scopes.admin('automations'),
      responses: {
        200: ok(signingSecretSchema, 'The new secret', {
          secret: '6f1c0b1e9d0a4c8e2f7a5b3d9c1e0f4a6b8d2c7e1f3a5b9d0c4e8f2a6b1d3c5e',
          created_at: '2026-01-01T08:00:00.000Z',
          created_by: exampleAutomation.created_by,
        }),
      },
    }),
    async (c) => {
      const secret = randomSecret();
      const sealed = await seal(c.env.SECRETS_KEY, SIGNING_SECRET_PURPOSE, secret);
      const kept = await storeOf(c).setSigningSecret(sealed, c.get('caller').clientId, true);
      return c.json({ secret, created_at: kept.created_at, created_by: kept.created_by });
    },
  );
