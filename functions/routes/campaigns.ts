import { Hono } from 'hono';
import * as v from 'valibot';
import { storeOf, type AppEnv } from '../app-env';
import { scopes } from '../../shared/auth/scopes';
import { ok } from '../openapi';
import { operation } from '../operation';
import { listOf, totalCount } from '../paging';
import {
  campaignCreateSchema,
  campaignListQuerySchema,
  campaignSchema,
  campaignUpdateSchema,
} from '../../shared/schemas/campaign';
import { jsonBody, paramOf, queryOf } from '../validate';

// Any string that cannot be a campaign_id is simply not found.
const campaignParam = paramOf({
  campaign_id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._:@+~-]{0,254}$/, 'Campaign not found')),
});
const tags = ['Campaigns'];

export const campaigns = new Hono<AppEnv>()
  .get(
    '/',
    operation({
      tags,
      summary: 'List campaigns',
      scopes: scopes.read('discounts'),
      responses: { 200: listOf(campaignSchema, 'Campaigns') },
    }),
    queryOf(campaignListQuerySchema),
    async (c) => {
      const { campaigns, total } = await storeOf(c).listCampaigns(c.req.valid('query'));
      totalCount(c, total);
      return c.json(campaigns);
    },
  )
  .post(
    '/',
    operation({
      changesPublic: true,
      tags,
      summary: 'Create a campaign',
      description:
        '`limitation.budget_amount` (minor units) and `limitation.budget_usage` (purchases) cap all the ' +
        "campaign's rules together (docs/budgets.md); `-1` or absent is no budget.",
      scopes: scopes.write('discounts'),
      responses: { 200: ok(campaignSchema, 'The new campaign') },
      errors: [409],
    }),
    jsonBody(campaignCreateSchema),
    async (c) => c.json(await storeOf(c).createCampaign(c.req.valid('json'), c.get('caller').clientId)),
  )
  .get(
    '/:campaign_id',
    operation({
      tags,
      summary: 'Read a campaign (deleted ones too)',
      description: 'With a budget, `budget` shows what all its rules have used and what is left.',
      scopes: scopes.read('discounts'),
      responses: { 200: ok(campaignSchema, 'The campaign') },
    }),
    campaignParam,
    async (c) => c.json(await storeOf(c).getCampaign(c.req.valid('param').campaign_id)),
  )
  .put(
    '/:campaign_id',
    operation({
      changesPublic: true,
      tags,
      summary: 'Update a campaign (partial; restores a deleted one)',
      scopes: scopes.write('discounts'),
      responses: { 200: ok(campaignSchema, 'The campaign') },
    }),
    campaignParam,
    jsonBody(campaignUpdateSchema),
    async (c) =>
      c.json(
        await storeOf(c).updateCampaign(
          c.req.valid('param').campaign_id,
          c.req.valid('json'),
          c.get('caller').clientId,
        ),
      ),
  )
  .delete(
    '/:campaign_id',
    operation({
      changesPublic: true,
      tags,
      summary: 'Delete a campaign (its rules stay as they are)',
      scopes: scopes.write('discounts'),
      responses: { 200: ok(campaignSchema, 'The deleted campaign') },
    }),
    campaignParam,
    async (c) => c.json(await storeOf(c).deleteCampaign(c.req.valid('param').campaign_id, c.get('caller').clientId)),
  );
