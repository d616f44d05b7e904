import { Hono } from 'hono';
import { storeOf, type AppEnv } from '../../shared/app-env';
import { guard } from '../../shared/auth/guard';
import { scopes } from '../../shared/auth/scopes';
import { uuidParam } from '../../shared/schemas/common';
import { ruleCreateSchema, ruleListQuerySchema, ruleReadQuerySchema, ruleUpdateSchema } from '../../shared/schemas/rule';
import { jsonBody, paramOf, queryOf } from '../../shared/validate';

const didParam = paramOf({ did: uuidParam('Discount rule') });

export const rules = new Hono<AppEnv>()
  .get('/', guard(scopes.read('discounts')), queryOf(ruleListQuerySchema), async (c) => {
    const { rules, total } = await storeOf(c).listRules(c.req.valid('query'));
    if (total !== undefined) c.header('total-count', String(total));
    return c.json(rules);
  })
  .post('/', guard(scopes.write('discounts')), jsonBody(ruleCreateSchema), async (c) =>
    c.json(await storeOf(c).createRule(c.req.valid('json'), c.get('caller').clientId)),
  )
  .get('/:did', guard(scopes.read('discounts')), didParam, queryOf(ruleReadQuerySchema), async (c) => {
    const withStatistics = c.req.valid('query').include?.includes('statistics') ?? false;
    return c.json(await storeOf(c).getRule(c.req.valid('param').did, withStatistics));
  })
  .put('/:did', guard(scopes.write('discounts')), didParam, jsonBody(ruleUpdateSchema), async (c) =>
    c.json(await storeOf(c).updateRule(c.req.valid('param').did, c.req.valid('json'), c.get('caller').clientId)),
  )
  .delete('/:did', guard(scopes.write('discounts')), didParam, async (c) =>
    c.json(await storeOf(c).deleteRule(c.req.valid('param').did, c.get('caller').clientId)),
  );
