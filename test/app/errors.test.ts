import { describe, expect, it } from 'vitest';
import { AID, call, json, ruleBody, tokenWith } from '../helpers';

const rules = `/v1/accounts/${AID}/discounts/rules`;

function expectErrorShape(body: any) {
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
}

describe('one error shape for every failure', () => {
  it('404 for unknown routes, 405 for a wrong method', async () => {
    const token = await tokenWith();
    const missing = await json(call('GET', `/v1/accounts/${AID}/nothing-here`, { token }));
    expect(missing.status).toBe(404);
    expectErrorShape(missing.body);
    const wrongMethod = await json(call('PATCH', rules, { token, body: {} }));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toContain('GET');
    expectErrorShape(wrongMethod.body);
  });

  it('400 for malformed JSON, 415 without a JSON content type, 413 over 1 MiB', async () => {
    const token = await tokenWith();
    const malformed = await json(
      call('POST', rules, { token, body: '{"requirement": ', headers: { 'content-type': 'application/json' } }),
    );
    expect(malformed.status).toBe(400);
    expectErrorShape(malformed.body);

    const noType = await json(
      call('POST', rules, { token, body: JSON.stringify(ruleBody()), headers: { 'content-type': 'text/plain' } }),
    );
    expect(noType.status).toBe(415);
    expectErrorShape(noType.body);

    const huge = JSON.stringify(ruleBody({ description: 'x'.repeat(1024 * 1024) }));
    const tooLarge = await json(call('POST', rules, { token, body: huge }));
    expect(tooLarge.status).toBe(413);
    expectErrorShape(tooLarge.body);
    // Nothing was stored by any of them.
    const list = await json(call('GET', rules, { token }));
    expect(list.body).toEqual([]);
  });

  it('400 naming aid for an invalid account id', async () => {
    const token = await tokenWith();
    for (const aid of ['X12345678', 'T1234', 'T123456789', 't12345678']) {
      const res = await json(call('GET', `/v1/accounts/${aid}/discounts/rules`, { token }));
      expect(res.status).toBe(400);
      expect(res.body.error.errors[0].field).toBe('aid');
    }
  });

  it('404 for ids that do not exist or cannot exist', async () => {
    const token = await tokenWith();
    expect((await call('GET', `${rules}/3c90c3cc-0d44-4b50-8888-8dd25736052a`, { token })).status).toBe(404);
    const notUuid = await json(call('GET', `${rules}/not-a-uuid`, { token }));
    expect(notUuid.status).toBe(404);
    expectErrorShape(notUuid.body);
  });

  it('never echoes the input back', async () => {
    const token = await tokenWith();
    const marker = 'ECHO-MARKER-1234';
    const res = await json(
      call('POST', rules, {
        token,
        body: ruleBody({ name: 7, reward: { type: marker, value: marker }, [`<b>${marker}</b>`]: 1 }),
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      '(unnamed)',
      'name',
      'reward.type',
      'reward.value',
    ]);
    expect(JSON.stringify(res.body)).not.toContain(marker);
  });
});
