// A claim's `ref` is bound to its whole body, the customer included: a retry under the same ref
// for another customer is a conflict, whether the edge copy answers or the account object does.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { claimRefKey, forgetClaimRefs } from '../../functions/claim-refs';
import { accountApi, claimBody } from './helpers';

async function waitForKv(aid: string, ref: string) {
  const key = await claimRefKey(aid, ref);
  for (let i = 0; i < 100; i++) {
    if (await env.CLAIM_REFS.get(key)) return key;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the KV entry never arrived');
}

describe('a ref retried for another customer_id', { timeout: 30_000 }, () => {
  it('is 409 when the edge copy holds the ref', async () => {
    const api = await accountApi('T32500001');
    const did = await api.rule();
    const [refId] = await api.give(did, ['*']);
    const body = claimBody(did, refId!, 'kari', { ref: 'till-1' });
    expect((await api.claim(body)).status).toBe(200);
    await waitForKv(api.aid, 'till-1');
    // The same body is still answered (from the edge), another customer is not.
    expect((await api.claim(body)).status).toBe(200);
    const other = await api.claim({ ...body, customer_id: 'ola' });
    expect(other.status).toBe(409);
    expect((await api.claims('?ref=till-1')).body).toHaveLength(1);
  });

  it('is 409 from the account object when no edge copy exists', async () => {
    const api = await accountApi('T32500002');
    const did = await api.rule();
    const [refId] = await api.give(did, ['*']);
    const body = claimBody(did, refId!, 'kari', { ref: 'till-2' });
    expect((await api.claim(body)).status).toBe(200);
    await env.CLAIM_REFS.delete(await waitForKv(api.aid, 'till-2'));
    forgetClaimRefs();
    const other = await api.claim({ ...body, customer_id: 'ola' });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBeDefined();
    // Nothing was counted for the refused retry.
    expect(await api.ruleStats(did)).toMatchObject({ usage: 1 });
  });
});
