import { describe, expect, it } from 'vitest';
import { AID, bootstrapToken, call, json, ruleBody } from '../helpers';

describe('smoke', () => {
  it('token, create, list, delete', async () => {
    const token = await bootstrapToken();
    expect(token).toMatch(/^ey/);
    const created = await json(call('POST', `/v1/accounts/${AID}/discounts/rules`, { token, body: ruleBody() }));
    expect(created.status).toBe(200);
    const list = await json(call('GET', `/v1/accounts/${AID}/discounts/rules`, { token }));
    expect(list.body).toHaveLength(1);
    const del = await json(call('DELETE', `/v1/accounts/${AID}/discounts/rules/${created.body.id}`, { token }));
    expect(del.body.deleted_at).toBeTruthy();
  });
});
