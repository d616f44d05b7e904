/** Contract cases for code pools (docs/codes.md; see contract-cases.ts). */
import { call } from '../helpers';
import type { Case } from './case';

const codesOf = (base: string, id: string) => `${base}/discounts/rules/${id}/codes`;

export const codeCases: Record<string, Case> = {
  'POST /v1/accounts/{aid}/discounts/rules/{did}/codes': async (t) => {
    const { id } = await t.rule();
    return [
      await call('POST', codesOf(t.base, id), { token: t.token, body: { count: 3, prefix: 'C-' } }),
      await call('POST', codesOf(t.base, id), { token: t.token, body: { codes: ['A1', 'B2'], usage: 2 } }),
      await call('POST', codesOf(t.base, id), { token: t.token, body: { count: 1001 } }),
    ];
  },
  'GET /v1/accounts/{aid}/discounts/rules/{did}/codes': async (t) => {
    const { id } = await t.rule();
    await call('POST', codesOf(t.base, id), { token: t.token, body: { codes: ['A1', 'B2'] } });
    return [
      await call('GET', `${codesOf(t.base, id)}?state=available&limit=1&starting_after=A1`, { token: t.token }),
      await call('GET', `${codesOf(t.base, id)}?state=maybe`, { token: t.token }),
    ];
  },
  'DELETE /v1/accounts/{aid}/discounts/rules/{did}/codes/{code}': async (t) => {
    const { id } = await t.rule();
    await call('POST', codesOf(t.base, id), { token: t.token, body: { codes: ['A1'] } });
    return [
      await call('DELETE', `${codesOf(t.base, id)}/A1`, { token: t.token }),
      await call('DELETE', `${codesOf(t.base, id)}/A1`, { token: t.token }),
    ];
  },
};
