import { Hono } from 'hono';
import { storeOf, type AppEnv } from '../app-env';
import { scopes } from '../../shared/auth/scopes';
import { ok } from '../openapi';
import { operation } from '../operation';
import { maintenanceSchema } from '../../shared/schemas/maintenance';

const admin = scopes.admin('discounts');

/** `GET /v1/accounts/{aid}/maintenance`: what the hourly cleanup last did (docs/maintenance.md). */
export const maintenance = new Hono<AppEnv>().get(
  '/',
  operation({
    tags: ['Maintenance'],
    summary: "The account's last scheduled cleanup run",
    description:
      'Needs the scope `admin:discounts`. The last run that had work to do (a run that finds nothing due writes ' +
      'nothing), with per-category counts, and where the purge of soft-deleted rows continues.',
    scopes: admin,
    responses: { 200: ok(maintenanceSchema, 'The last run with work, and the purge cursors') },
  }),
  async (c) => c.json(await storeOf(c).maintenanceStatus()),
);
