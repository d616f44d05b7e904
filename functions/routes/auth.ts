import { Hono } from 'hono';
import { isKnownAccount } from '../../shared/account-directory';
import { accountOf, storeOf, type AppEnv } from '../app-env';
import { hashSecret, randomSecret, timingSafeEqual } from '../../shared/auth/crypto';
import { clientSecretMatches } from '../auth/client-secret';
import { issueToken, signingSecret, TOKEN_LIFETIME_SECONDS } from '../auth/jwt';
import { REVOCATION_BOUND_SECONDS, rememberRevoked } from '../auth/revocation';
import { ALL_SCOPES, scopes, type Scope } from '../../shared/auth/scopes';
import { notFound, validationError } from '../../shared/errors';
import { HttpError } from '../errors';
import { clientCreateSchema, tokenRequestSchema } from '../../shared/schemas/auth';
import { ok } from '../openapi';
import { operation } from '../operation';
import { apiClientCreatedSchema, apiClientSchema, tokenResponseSchema } from '../../shared/schemas/responses';
import {
  exampleApiClient,
  exampleApiClientInput,
  exampleToken,
  exampleTokenRequest,
} from '../../shared/schemas/examples';
import * as v from 'valibot';
import { jsonBody } from '../validate';

const invalidClient = () => new HttpError(401, 'invalid_client', 'Unknown client or wrong secret');

function basicCredentials(header: string | undefined): { id: string; secret: string } {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match)
    throw new HttpError(
      401,
      'invalid_client',
      'Send client credentials: Authorization: Basic base64(client_id:client_secret)',
    );
  let decoded: string;
  try {
    decoded = atob(match[1]!);
  } catch {
    throw invalidClient();
  }
  const colon = decoded.indexOf(':');
  if (colon < 1) throw invalidClient();
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export const auth = new Hono<AppEnv>()
  .post(
    '/token',
    operation({
      tags: ['Auth'],
      summary: 'Get an access token',
      description:
        "Exchanges client credentials (HTTP Basic) for a JWT bound to this account, carrying the client's scopes. " +
        'At most 10 requests a minute per account and client id, and 30 per address (429 with Retry-After).',
      scopes: 'client',
      requestExample: exampleTokenRequest,
      responses: { 200: ok(tokenResponseSchema, 'The access token', exampleToken) },
      errors: [429],
    }),
    jsonBody(tokenRequestSchema),
    async (c) => {
      const aid = accountOf(c);
      const secret = signingSecret(c.env.JWT_SECRET);
      const body = c.req.valid('json');
      if (!new URL(body.audience).pathname.replace(/\/+$/, '').endsWith(`/v1/accounts/${aid}`)) {
        throw validationError([
          {
            field: 'audience',
            code: 'audience',
            message: `Expected the URL of this account: <base>/v1/accounts/${aid}`,
          },
        ]);
      }
      const client = basicCredentials(c.req.header('authorization'));
      let granted: Scope[];
      let customerId: string | null = null;
      const bootstrapId = c.env.BOOTSTRAP_CLIENT_ID;
      const bootstrapSecret = c.env.BOOTSTRAP_CLIENT_SECRET;
      if (bootstrapId && bootstrapSecret && timingSafeEqual(client.id, bootstrapId)) {
        // The same one hash as for any other client, so timing does not single the bootstrap id out.
        await clientSecretMatches(null, client.secret);
        if (!timingSafeEqual(client.secret, bootstrapSecret)) throw invalidClient();
        granted = [...ALL_SCOPES];
      } else {
        // A never-used account has no clients: answered without creating its object.
        const stored = (await isKnownAccount(c.env, aid)) ? await storeOf(c).clientCredentials(client.id) : null;
        if (!(await clientSecretMatches(stored, client.secret)) || !stored) throw invalidClient();
        granted = stored.scopes;
        customerId = stored.customer_id;
      }
      const access_token = await issueToken(secret, {
        sub: client.id,
        aud: body.audience,
        aid,
        scopes: granted,
        ...(customerId !== null && { customer_id: customerId }),
      });
      return c.json({ access_token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS });
    },
  )
  .post(
    '/clients',
    operation({
      tags: ['Auth'],
      summary: 'Create an API client',
      scopes: scopes.admin('discounts'),
      requestExample: exampleApiClientInput,
      responses: {
        200: ok(apiClientCreatedSchema, 'The client with its secret, shown only this once', {
          ...exampleApiClient,
          client_secret: 'b3f1c0d2e4a5968778695a4b3c2d1e0f',
        }),
      },
    }),
    jsonBody(clientCreateSchema),
    async (c) => {
      const input = c.req.valid('json');
      // A client can be given only scopes its creator holds: admin:discounts alone must not mint
      // a client that reads customers.
      const held = c.get('caller').scopes;
      const beyond = input.scopes.filter((s) => !held.includes(s));
      if (beyond.length) {
        throw new HttpError(403, 'forbidden', `Your token cannot grant scopes it does not hold: ${beyond.join(', ')}`);
      }
      const clientId = crypto.randomUUID();
      const clientSecret = randomSecret();
      const salt = randomSecret(16);
      const created = await storeOf(c).createClient(
        input,
        clientId,
        salt,
        await hashSecret(clientSecret, salt),
        c.get('caller').clientId,
      );
      // The only time the secret is ever shown.
      return c.json({ ...created, client_secret: clientSecret });
    },
  )
  .get(
    '/clients',
    operation({
      tags: ['Auth'],
      summary: 'List API clients',
      description: 'Every client of the account, revoked ones included; never their secrets. Needs `admin:discounts`.',
      scopes: scopes.admin('discounts'),
      responses: { 200: ok(v.array(apiClientSchema), 'The clients', [exampleApiClient]) },
    }),
    async (c) => c.json(await storeOf(c).listClients()),
  )
  .delete(
    '/clients/:client_id',
    operation({
      tags: ['Auth'],
      summary: 'Revoke an API client',
      description:
        'Its secret stops working at once, and its tokens (console sessions included) are refused within ' +
        `${REVOCATION_BOUND_SECONDS} s everywhere. Needs \`admin:discounts\`.`,
      scopes: scopes.admin('discounts'),
      parameters: [{ in: 'path', name: 'client_id', required: true, schema: { type: 'string', maxLength: 255 } }],
      responses: {
        200: ok(apiClientSchema, 'The revoked client', {
          ...exampleApiClient,
          deleted_at: '2023-11-08T09:00:00Z',
          deleted_by: exampleApiClient.created_by,
        }),
      },
    }),
    async (c) => {
      const id = c.req.param('client_id');
      if (id.length > 255) throw notFound('API client');
      const revoked = await storeOf(c).revokeClient(id, c.get('caller').clientId);
      rememberRevoked(accountOf(c), id);
      return c.json(revoked);
    },
  );
