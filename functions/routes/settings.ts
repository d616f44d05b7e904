import { Hono } from 'hono';
import { storeOf, type AppEnv } from '../app-env';
import { scopes } from '../../shared/auth/scopes';
import { ok } from '../openapi';
import { operation } from '../operation';
import { settingsPatchSchema, settingsSchema } from '../../shared/schemas/settings';
import { jsonBody } from '../validate';
import { fieldError } from '../../shared/errors';
import { isDevelopment } from '../env';

const tags = ['Settings'];
const admin = scopes.admin('discounts');

export const settings = new Hono<AppEnv>()
  .get(
    '/',
    operation({
      tags,
      summary: 'Read the account settings',
      scopes: admin,
      responses: { 200: ok(settingsSchema, 'Settings, defaults filled in') },
    }),
    async (c) => c.json(await storeOf(c).getSettings()),
  )
  .put(
    '/',
    operation({
      changesPublic: true,
      tags,
      summary: 'Change account settings (partial: objects merge, null restores a default)',
      scopes: admin,
      responses: { 200: ok(settingsSchema, 'Settings after the change') },
      requestExample: {
        public_offers: { anonymous: true, allowed_origins: ['https://shop.example.com'], max_age: 60 },
      },
    }),
    jsonBody(settingsPatchSchema),
    async (c) => {
      const patch = c.req.valid('json');
      if (patch.checkout?.allow_unsigned_callbacks === true && !isDevelopment(c.env)) {
        throw fieldError(
          'checkout.allow_unsigned_callbacks',
          'Unsigned callbacks are accepted only in local development (RABATT_DEV=1); set a signature secret',
        );
      }
      return c.json(await storeOf(c).updateSettings(patch, c.get('caller').clientId));
    },
  );
