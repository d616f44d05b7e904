import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, ruleBody, tokenWith } from '../helpers';

const registered = async () => (await env.REGISTRY.getByName('registry').page(500)).aids;

/** Registration finishes after the write's answer (ctx.waitUntil); give it a moment. */
async function eventuallyRegistered(aid: string): Promise<string[]> {
  for (let i = 0; i < 50; i++) {
    const aids = await registered();
    if (aids.includes(aid)) return aids;
    await new Promise((r) => setTimeout(r, 20));
  }
  return registered();
}

describe('the account registry the cron walks', () => {
  it('is joined by an account on its first write, not by reads', async () => {
    // Reads of any well-formed id, with or without a token, leave the registry alone.
    expect((await call('GET', '/v1/accounts/T91000001/discounts/public/rules')).status).toBe(401);
    const reader = await tokenWith(['read:discounts'], 'T91000002');
    expect((await call('GET', '/v1/accounts/T91000002/discounts/rules', { token: reader })).status).toBe(200);
    expect(await registered()).not.toEqual(expect.arrayContaining(['T91000001']));
    expect(await registered()).not.toEqual(expect.arrayContaining(['T91000002']));

    const writer = await tokenWith(undefined, 'T91000003');
    expect(
      (await call('POST', '/v1/accounts/T91000003/discounts/rules', { token: writer, body: ruleBody() })).status,
    ).toBe(200);
    expect(await eventuallyRegistered('T91000003')).toEqual(expect.arrayContaining(['T91000003']));
    // Later writes do not register it twice.
    expect(
      (await call('POST', '/v1/accounts/T91000003/discounts/rules', { token: writer, body: ruleBody() })).status,
    ).toBe(200);
    expect((await registered()).filter((aid) => aid === 'T91000003')).toHaveLength(1);
  });
});
