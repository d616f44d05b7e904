import { describe, expect, it } from 'vitest';
import { call, contentVersionOf, json, ruleBody, tokenWith } from '../helpers';

const path = (aid: string, rest = '') => `/v1/accounts/${aid}/discounts/campaigns${rest}`;
const writer = (aid: string) => tokenWith(['write:discounts', 'read:discounts'], aid, 'marketing');

describe('campaigns', () => {
  it('create, read, list, update, delete and restore', async () => {
    const aid = 'T72000001';
    const token = await writer(aid);
    const created = await json(
      call('POST', path(aid), {
        token,
        body: { campaign_id: 'V101', name: 'Spring', description: 'Spring sale', metadata: { sponsor: 'Solo' } },
      }),
    );
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      campaign_id: 'V101',
      name: 'Spring',
      description: 'Spring sale',
      private: false,
      metadata: { sponsor: 'Solo' },
      created_by: 'marketing',
      updated_by: 'marketing',
    });
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.body).not.toHaveProperty('deleted_at');

    // Without a campaign_id the minted id is used.
    const minted = await json(call('POST', path(aid), { token, body: { name: 'Autumn', private: true } }));
    expect(minted.body.campaign_id).toBe(minted.body.id);
    expect((await json(call('GET', path(aid, `/${minted.body.id}`), { token }))).body.name).toBe('Autumn');

    expect((await json(call('GET', path(aid, '/V101'), { token }))).body).toEqual(created.body);

    const updated = await json(
      call('PUT', path(aid, '/V101'), { token, body: { name: 'Spring 2', description: null, private: true } }),
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      name: 'Spring 2',
      private: true,
      metadata: { sponsor: 'Solo' },
      created_at: created.body.created_at,
    });
    expect(updated.body).not.toHaveProperty('description');

    const deleted = await json(call('DELETE', path(aid, '/V101'), { token }));
    expect(deleted.body).toMatchObject({ deleted_by: 'marketing' });
    expect(deleted.body.deleted_at).toBeTruthy();
    const again = await json(call('DELETE', path(aid, '/V101'), { token }));
    expect(again.body.deleted_at).toBe(deleted.body.deleted_at);

    const list = async (query: string) =>
      (await json(call('GET', path(aid, `?${query}`), { token }))).body.map((c: any) => c.campaign_id);
    expect(await list('state=all')).toEqual(['V101', minted.body.id]);
    expect(await list('state=deleted')).toEqual(['V101']);
    expect(await list('state=private')).toEqual([minted.body.id]);
    expect(await list('state=public')).toEqual([]);

    // PUT restores a deleted campaign.
    const restored = await json(call('PUT', path(aid, '/V101'), { token, body: { private: false } }));
    expect(restored.body).not.toHaveProperty('deleted_at');
    expect(restored.body).not.toHaveProperty('deleted_by');
    expect(await list('state=public')).toEqual(['V101']);
    expect(await list('state=deleted')).toEqual([]);
  });

  it('pages with limit and starting_after, counts with total=true', async () => {
    const aid = 'T72000002';
    const token = await writer(aid);
    for (const id of ['c1', 'c2', 'c3', 'c4'])
      await call('POST', path(aid), { token, body: { campaign_id: id, name: id } });
    const page1 = await json(call('GET', path(aid, '?limit=2&total=true'), { token }));
    expect(page1.body.map((c: any) => c.campaign_id)).toEqual(['c1', 'c2']);
    expect(page1.headers.get('total-count')).toBe('4');
    const page2 = await json(call('GET', path(aid, `?limit=2&starting_after=${page1.body[1].id}`), { token }));
    expect(page2.body.map((c: any) => c.campaign_id)).toEqual(['c3', 'c4']);
    const byKey = await json(call('GET', path(aid, '?starting_after=c3'), { token }));
    expect(byKey.body.map((c: any) => c.campaign_id)).toEqual(['c4']);
    const since = await json(
      call('GET', path(aid, `?since_datetime=${encodeURIComponent(page2.body[0].updated_at)}`), { token }),
    );
    expect(since.body.map((c: any) => c.campaign_id)).toEqual(['c3', 'c4']);
    expect((await call('GET', path(aid, '?starting_after=nope'), { token })).status).toBe(400);
    expect((await call('GET', path(aid, '?state=gone'), { token })).status).toBe(400);
    expect((await call('GET', path(aid, '?limit=101'), { token })).status).toBe(400);
    expect(
      (await call('GET', path(aid, `?starting_after=c1&since_datetime=2020-01-01T00:00:00Z`), { token })).status,
    ).toBe(400);
  });

  it('rejects bad input, unknown ids and a taken campaign_id', async () => {
    const aid = 'T72000003';
    const token = await writer(aid);
    const cases: [unknown, string][] = [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x', campaign_id: 'has space' }, 'campaign_id'],
      [{ name: 'x', campaign_id: 'a/b' }, 'campaign_id'],
      [{ name: 'x', private: 'yes' }, 'private'],
      [{ name: 'x', metadata: [] }, 'metadata'],
      [{ name: 'x', colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const res = await json(call('POST', path(aid), { token, body }));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.errors[0].field).toBe(field);
    }
    expect((await call('POST', path(aid), { token, body: { campaign_id: 'X', name: 'x' } })).status).toBe(200);
    const taken = await json(call('POST', path(aid), { token, body: { campaign_id: 'X', name: 'y' } }));
    expect(taken.status).toBe(409);
    await call('DELETE', path(aid, '/X'), { token });
    expect((await call('POST', path(aid), { token, body: { campaign_id: 'X', name: 'y' } })).status).toBe(409);
    expect((await call('PUT', path(aid, '/X'), { token, body: { campaign_id: 'Y' } })).status).toBe(400);
    for (const [method, p] of [
      ['GET', '/missing'],
      ['PUT', '/missing'],
      ['DELETE', '/missing'],
      ['GET', '/bad%20id'],
    ] as const) {
      const res = await call(method, path(aid, p), { token, body: method === 'PUT' ? { name: 'n' } : undefined });
      expect(res.status, `${method} ${p}`).toBe(404);
    }
  });

  it('scopes: read lists, write changes', async () => {
    const aid = 'T72000004';
    const reader = await tokenWith(['read:discounts'], aid);
    expect((await call('GET', path(aid), { token: reader })).status).toBe(200);
    expect((await call('POST', path(aid), { token: reader, body: { name: 'n' } })).status).toBe(403);
    expect((await call('GET', path(aid))).status).toBe(401);
    const publicOnly = await tokenWith(['public:discounts'], aid);
    expect((await call('GET', path(aid), { token: publicOnly })).status).toBe(403);
  });

  it('parallel creates of one campaign_id: exactly one wins', async () => {
    const aid = 'T72000005';
    const token = await writer(aid);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call('POST', path(aid), { token, body: { campaign_id: 'race', name: `n${i}` } }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    expect((await json(call('GET', path(aid, '?state=all'), { token }))).body).toHaveLength(1);
  });

  it('deleting a campaign leaves its rules alone', async () => {
    const aid = 'T72000006';
    const token = await writer(aid);
    await call('POST', path(aid), { token, body: { campaign_id: 'summer', name: 'Summer' } });
    const rule = await json(
      call('POST', `/v1/accounts/${aid}/discounts/rules`, { token, body: ruleBody({ campaign_id: 'summer' }) }),
    );
    expect(
      (
        await call('POST', `/v1/accounts/${aid}/discounts/rules/${rule.body.id}/customers`, {
          token,
          body: { customers: ['*'] },
        })
      ).status,
    ).toBe(200);
    const before = await contentVersionOf(aid);
    await call('DELETE', path(aid, '/summer'), { token });
    expect(await contentVersionOf(aid)).toBe(before + 1);
    const after = await json(call('GET', `/v1/accounts/${aid}/discounts/rules/${rule.body.id}`, { token }));
    expect(after.body).toMatchObject({ campaign_id: 'summer' });
    expect(after.body).not.toHaveProperty('deleted_at');
    const pub = await tokenWith(['public:discounts'], aid);
    const offers = await json(
      call('GET', `/v1/accounts/${aid}/discounts/public/rules?campaign_id=summer`, { token: pub }),
    );
    expect(offers.body.map((r: any) => r.id)).toEqual([rule.body.id]);
  });
});
