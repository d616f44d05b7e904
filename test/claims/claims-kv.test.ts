import { env } from 'cloudflare:workers';
import * as v from 'valibot';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CLAIM_REF_TTL_SECONDS,
  claimRefKey,
  forgetClaimRefs,
  writeClaimRef,
  type CachedClaim,
} from '../../functions/claim-refs';
import { claimBodyHash, claimCreateSchema } from '../../shared/schemas/claim';
import { accountApi, claimBody } from './helpers';

let api: Awaited<ReturnType<typeof accountApi>>;
beforeAll(async () => {
  api = await accountApi('T32000001');
});

/** The hash the Worker binds a ref to: the validated body without `ref`. */
async function hashOf(body: unknown): Promise<string> {
  const { ref: _ref, ...input } = v.parse(claimCreateSchema, body);
  return claimBodyHash(input);
}

/** The KV write happens after the answer (waitUntil), so wait for it. Reads KV itself, not the Worker's memory copy. */
async function cachedEntry(ref: string, until: (e: CachedClaim | null) => boolean = (e) => e !== null, tries = 100) {
  const key = await claimRefKey(api.aid, ref);
  for (let i = 0; i < tries; i++) {
    const entry = await env.CLAIM_REFS.get<CachedClaim>(key, 'json');
    if (until(entry)) return entry;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the KV entry never arrived');
}

describe('claim refs cached in KV', { timeout: 30_000 }, () => {
  it('a committed claim is stored under its ref with the body hash', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['kv-a']);
    const body = claimBody(did, refId!, 'kv-a', { ref: 'kv-written' });
    const claimed = await api.claim(body);
    const entry = await cachedEntry('kv-written');
    expect(entry).toEqual({ claim: claimed.body, body_hash: await hashOf(body) });
    const key = await claimRefKey(api.aid, 'kv-written');
    expect(key).toMatch(/^claim-ref:v1:T32000001:[0-9a-f]{64}$/);
    const listed = await env.CLAIM_REFS.list({ prefix: key });
    expect(listed.keys).toHaveLength(1);
    const expiration = listed.keys[0]!.expiration!;
    expect(expiration).toBeGreaterThan(Date.now() / 1000 + CLAIM_REF_TTL_SECONDS - 120);
    expect(expiration).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + CLAIM_REF_TTL_SECONDS + 5);
  });

  it('the fast path answers a known ref without reaching the account object', async () => {
    // Proof by construction: KV holds a claim the account object never made (its ref is unknown to
    // the object and its id was never minted). If the route asked the object, the object would
    // refuse the made-up ref id with a 400, or create a new claim with a new id. Getting the crafted
    // claim back, and the object still knowing no claim under that ref, shows that KV alone answered.
    const did = await api.rule();
    const body = claimBody(did, '11111111-1111-4111-8111-111111111111', 'kv-b', { ref: 'kv-crafted' });
    const crafted = {
      id: '99999999-9999-4999-8999-999999999999',
      purchase_at: body.purchase_at,
      customer_id: 'kv-b',
      discounts: body.discounts.map((d) => ({ ...d, refs: d.refs.map((r) => ({ ...r, stamp: 0 })) })),
      ref: 'kv-crafted',
      created_at: body.purchase_at,
      created_by: 'edge-only',
      updated_at: body.purchase_at,
      updated_by: 'edge-only',
    };
    await env.CLAIM_REFS.put(
      await claimRefKey(api.aid, 'kv-crafted'),
      JSON.stringify({ claim: crafted, body_hash: await hashOf(body) }),
    );
    const res = await api.claim(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(crafted);
    expect((await api.claims('?ref=kv-crafted')).body).toEqual([]);
  });

  it('a per-isolate copy sits in front of KV; both only ever answer what KV or the object stored', async () => {
    // The Worker keeps a short-lived memory copy of entries it wrote or read. Swapping the KV entry
    // for a crafted one is invisible until that copy is forgotten; then KV answers. Either way the
    // object is not asked (the crafted claim id was never minted by it).
    const did = await api.rule();
    const [refId] = await api.give(did, ['kv-m']);
    const body = claimBody(did, refId!, 'kv-m', { ref: 'kv-memory' });
    const first = await api.claim(body);
    await cachedEntry('kv-memory');
    const crafted = { ...first.body, id: '88888888-8888-4888-8888-888888888888' };
    await env.CLAIM_REFS.put(
      await claimRefKey(api.aid, 'kv-memory'),
      JSON.stringify({ claim: crafted, body_hash: await hashOf(body) }),
    );
    expect((await api.claim(body)).body.id).toBe(first.body.id);
    forgetClaimRefs();
    expect((await api.claim(body)).body.id).toBe(crafted.id);
  });

  it('a missing KV entry falls through to the object, which answers the first claim', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['kv-c']);
    const body = claimBody(did, refId!, 'kv-c', { ref: 'kv-missing' });
    const first = await api.claim(body);
    await cachedEntry('kv-missing');
    await env.CLAIM_REFS.delete(await claimRefKey(api.aid, 'kv-missing'));
    forgetClaimRefs();
    const retry = await api.claim(body);
    expect(retry.body.id).toBe(first.body.id);
    expect((await api.claims('?ref=kv-missing')).body).toHaveLength(1);
    expect((await api.ref('kv-c', refId!)).body.statistics.usage).toBe(1);
    // ... and, being a replay, it writes nothing: only the commit and the release write KV.
    await expect(cachedEntry('kv-missing', (e) => e !== null, 25)).rejects.toThrow('never arrived');
  });

  it('a replay never writes KV, so it cannot put back a copy from before a release', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['kv-g']);
    const body = claimBody(did, refId!, 'kv-g', { ref: 'kv-replay' });
    const first = await api.claim(body);
    const key = await claimRefKey(api.aid, 'kv-replay');
    await cachedEntry('kv-replay');
    // A replay that read the claim before its release must not overwrite the released copy;
    // proven by the strongest case: with KV empty, replays leave it empty.
    await env.CLAIM_REFS.delete(key);
    forgetClaimRefs();
    const replays = await Promise.all(Array.from({ length: 5 }, () => api.claim(body)));
    expect(new Set(replays.map((r) => r.body.id))).toEqual(new Set([first.body.id]));
    await expect(cachedEntry('kv-replay', (e) => e !== null, 25)).rejects.toThrow('never arrived');
    // The release writes the released copy; replays after it answer it and change nothing.
    const released = await api.release(first.body.id);
    expect((await cachedEntry('kv-replay'))?.claim).toEqual(released.body);
    forgetClaimRefs();
    await env.CLAIM_REFS.delete(key);
    expect((await api.claim(body)).body).toEqual(released.body);
    await expect(cachedEntry('kv-replay', (e) => e !== null, 25)).rejects.toThrow('never arrived');
  });

  it('an unreleased copy never replaces a released one this isolate has seen', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['kv-h']);
    const body = claimBody(did, refId!, 'kv-h', { ref: 'kv-late' });
    const hash = await hashOf(body);
    const first = await api.claim(body);
    const key = await claimRefKey(api.aid, 'kv-late');
    await cachedEntry('kv-late');
    const released = await api.release(first.body.id);
    await cachedEntry('kv-late', (e) => Boolean(e?.claim.deleted_at));
    // The commit's cache write arriving late (after the release) in this isolate is dropped.
    await writeClaimRef(env.CLAIM_REFS, key, first.body, hash);
    expect((await env.CLAIM_REFS.get<CachedClaim>(key, 'json'))?.claim).toEqual(released.body);
    expect((await api.claim(body)).body).toEqual(released.body);
    // KV brought back an unreleased copy (another isolate's late put): once this isolate's memory
    // copy has aged out it reads KV, and still answers the released claim it saw.
    await env.CLAIM_REFS.put(key, JSON.stringify({ claim: first.body, body_hash: hash }));
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      expect((await api.claim(body)).body).toEqual(released.body);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a stale, foreign or unreadable KV entry never produces a second claim', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['kv-d']);
    const body = claimBody(did, refId!, 'kv-d', { ref: 'kv-stale' });
    const first = await api.claim(body);
    const key = await claimRefKey(api.aid, 'kv-stale');
    await cachedEntry('kv-stale');

    // An entry bound to another body (e.g. written for an older body): the object decides.
    await env.CLAIM_REFS.put(key, JSON.stringify({ claim: { ...first.body, id: 'stale' }, body_hash: 'another-body' }));
    forgetClaimRefs();
    expect((await api.claim(body)).body.id).toBe(first.body.id);
    // Garbage in KV is ignored.
    await env.CLAIM_REFS.put(key, 'not json');
    forgetClaimRefs();
    expect((await api.claim(body)).body.id).toBe(first.body.id);
    // A different body under the ref is a 409 from the object, whatever KV holds.
    await env.CLAIM_REFS.put(key, JSON.stringify({ claim: first.body, body_hash: await hashOf(body) }));
    forgetClaimRefs();
    expect((await api.claim({ ...body, type: 'changed' })).status).toBe(409);

    expect((await api.claims('?ref=kv-stale')).body).toHaveLength(1);
    expect((await api.ref('kv-d', refId!)).body.statistics.usage).toBe(1);
  });

  it('a release updates the cached entry: a retry answers the released claim', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['kv-e']);
    const body = claimBody(did, refId!, 'kv-e', { ref: 'kv-release' });
    const first = await api.claim(body);
    await cachedEntry('kv-release');
    const released = await api.release(first.body.id);
    const entry = await cachedEntry('kv-release', (e) => Boolean(e?.claim.deleted_at));
    expect(entry?.claim).toEqual(released.body);
    expect((await api.claim(body)).body).toEqual(released.body);
    expect((await api.ref('kv-e', refId!)).body.statistics.usage).toBe(0);
  });

  it("a release's write is retried when KV refuses it (one write per key per second)", async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['kv-i']);
    const first = await api.claim(claimBody(did, refId!, 'kv-i', { ref: 'kv-retry' }));
    const released = await api.release(first.body.id);
    const puts: string[] = [];
    const refusing = {
      put: async (key: string, value: string) => {
        puts.push(value);
        if (puts.length === 1) throw new Error('KV PUT failed: 429 Too Many Requests');
        await env.CLAIM_REFS.put(key, value);
      },
    } as unknown as KVNamespace;
    const key = await claimRefKey(api.aid, 'kv-retry-copy');
    await writeClaimRef(refusing, key, released.body, 'h');
    expect(puts).toHaveLength(2);
    expect((await env.CLAIM_REFS.get<CachedClaim>(key, 'json'))?.claim).toEqual(released.body);
  });

  it('50 parallel retries of a cached ref all answer the one claim', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['kv-f']);
    const body = claimBody(did, refId!, 'kv-f', { ref: 'kv-burst' });
    const first = await api.claim(body);
    await cachedEntry('kv-burst');
    const answers = await Promise.all(Array.from({ length: 50 }, () => api.claim(body)));
    expect(new Set(answers.map((a) => a.body.id))).toEqual(new Set([first.body.id]));
    expect((await api.ref('kv-f', refId!)).body.statistics.usage).toBe(1);
  });
});
