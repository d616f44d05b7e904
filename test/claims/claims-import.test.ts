/**
 * `POST .../claims?keep_id=true` (docs/claims.md "Imports"): an import records a claim as its
 * source holds it, under the source's id and created_at, idempotently; a till can then read and
 * release it on the target, which gives back exactly what it added.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, stampCardRule, tokenWith } from '../helpers';
import { accountApi, claimBody } from './helpers';

const AID = 'T31000240';
let api: Awaited<ReturnType<typeof accountApi>>;
beforeAll(async () => {
  api = await accountApi(AID);
});

const DAY = 86_400_000;
/** Stamps expire after 30 days. */
const stampCard = stampCardRule(2, { stamp_expire_days: 30 });
const keep = (body: unknown, token = api.token) =>
  json(call('POST', `${api.base}/available_for_receipt/claims?keep_id=true`, { token, body }));
const kept = (did: string, refId: string, customer: string, extra: Record<string, unknown> = {}) => ({
  ...claimBody(did, refId, customer, {}, { amount: 2500 }),
  id: crypto.randomUUID(),
  created_at: '2026-03-01T10:00:05.000Z',
  purchase_at: '2026-03-01T10:00:00Z',
  ...extra,
});
describe('claims kept from an import', { timeout: 30_000 }, () => {
  it('keeps id, created_at and purchase_at, counts once, and a release restores the counters', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['imp-anna']);
    const body = kept(did, refId!, 'imp-anna', { ref: 'till-1-0001', type: 'pos' });
    const res = await keep(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: body.id,
      created_at: body.created_at,
      purchase_at: body.purchase_at,
      customer_id: 'imp-anna',
      ref: 'till-1-0001',
      discounts: [{ id: did, refs: [{ id: refId, amount: 2500, usage: 1, stamp: 0 }] }],
    });
    const read = await json(call('GET', `${api.base}/available_for_receipt/claims/${body.id}`, { token: api.token }));
    expect(read.body).toEqual(res.body);
    const ledger = (await api.usages(did)).body;
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ source: 'claim', source_ref: body.id });
    expect(Date.parse(ledger[0].purchase_at)).toBe(Date.parse(body.purchase_at));
    expect(ledger[0].created_at).toBe(body.created_at);

    // The same claim again (an import run twice) changes nothing.
    const again = await keep(body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
    expect((await api.ref('imp-anna', refId!)).body.statistics).toMatchObject({ usage: 1, amount: 2500 });
    expect(await api.ruleStats(did)).toMatchObject({ usage: 1, amount: 2500 });
    // A till's retry of the ref replays it too.
    const { id: _id, created_at: _c, ...tillBody } = body;
    expect((await api.claim(tillBody)).body.id).toBe(body.id);

    const released = await api.release(body.id);
    expect(released.status).toBe(200);
    expect(released.body.deleted_at).toBeDefined();
    expect((await api.ref('imp-anna', refId!)).body.statistics).toMatchObject({ usage: 0, amount: 0, purchases: 0 });
    expect(await api.ruleStats(did)).toMatchObject({ usage: 0, amount: 0 });
    // Imported again after the release: the released claim is answered, nothing is counted.
    expect((await keep(body)).body.deleted_at).toBe(released.body.deleted_at);
    expect((await api.ref('imp-anna', refId!)).body.statistics).toMatchObject({ usage: 0, amount: 0 });
  });

  it('records one claim for 12 parallel copies of it (an import retried while still running)', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['imp-par']);
    const body = kept(did, refId!, 'imp-par', { ref: 'till-9-0001' });
    const answers = await Promise.all(Array.from({ length: 12 }, () => keep(body)));
    for (const a of answers) expect(a.status).toBe(200);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect((await api.ref('imp-par', refId!)).body.statistics).toMatchObject({ usage: 1, amount: 2500, purchases: 1 });
    expect((await api.claims('?customer_id=imp-par')).body).toHaveLength(1);
  });

  it('is 409 for a taken id with other content, or a ref another claim holds', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['imp-bo']);
    const body = kept(did, refId!, 'imp-bo', { ref: 'till-2-0001' });
    expect((await keep(body)).status).toBe(200);
    for (const other of [
      { ...body, purchase_at: '2026-03-01T11:00:00.000Z' },
      { ...body, created_at: '2026-03-01T10:00:06.000Z' },
      { ...body, ref: 'till-2-0002' },
    ]) {
      const res = await keep(other);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('conflict');
    }
    const taken = await keep({ ...body, id: crypto.randomUUID() });
    expect(taken.status).toBe(409);
    expect((await api.ref('imp-bo', refId!)).body.statistics).toMatchObject({ usage: 1, amount: 2500 });
  });

  it('takes id and created_at only with keep_id=true, from admin:discounts, naming the field', async () => {
    const did = await api.rule();
    const [refId] = await api.give(did, ['imp-cy']);
    const body = kept(did, refId!, 'imp-cy');
    const { id, created_at, ...plain } = body;
    const field = (res: { body: { error: { errors: { field: string }[] } } }) => res.body.error.errors[0]!.field;
    for (const [what, b, f] of [
      ['no id', { ...plain, created_at }, 'id'],
      ['not a UUID', { ...body, id: 'claim-1' }, 'id'],
      ['no created_at', { ...plain, id }, 'created_at'],
      ['bad created_at', { ...body, created_at: 'yesterday' }, 'created_at'],
    ] as const) {
      const res = await keep(b);
      expect(res.status, what).toBe(400);
      expect(field(res), what).toBe(f);
    }
    const withoutKeep = await api.claim(body);
    expect(withoutKeep.status).toBe(400);
    expect(field(withoutKeep)).toBe('id');
    expect(field(await api.claim({ ...plain, created_at }))).toBe('created_at');
    const badFlag = await json(
      call('POST', `${api.base}/available_for_receipt/claims?keep_id=maybe`, { token: api.token, body }),
    );
    expect(badFlag.status).toBe(400);
    expect(field(badFlag)).toBe('keep_id');
    const writer = await tokenWith(['write:discounts', 'read:discounts'], AID);
    const refused = await keep(body, writer);
    expect(refused.status).toBe(403);
    expect((await api.ref('imp-cy', refId!)).body.statistics).toMatchObject({ usage: 0 });
  });

  it('still checks refs and holders, and budgets', async () => {
    const did = await api.rule({ limitation: { budget_usage: 1 } });
    const [refId] = await api.give(did, ['imp-di']);
    const notHeld = await keep(kept(did, refId!, 'someone-else'));
    expect(notHeld.status).toBe(400);
    expect(notHeld.body.error.errors[0]).toMatchObject({ field: 'discounts.0.refs.0.id', code: 'not_held' });
    expect((await keep(kept(did, refId!, 'imp-di'))).status).toBe(200);
    const over = await keep(kept(did, refId!, 'imp-di'));
    expect(over.status).toBe(400);
    expect(over.body.error.errors[0]).toMatchObject({ code: 'budget_usage' });
  });

  it('is not judged again on the limits the source checked (discount_repeat_usage)', async () => {
    const did = await api.rule({ limitation: { discount_repeat_usage: 2 } });
    const [refId] = await api.give(did, ['imp-ed']);
    expect((await keep(kept(did, refId!, 'imp-ed'))).status).toBe(200);
    expect((await keep(kept(did, refId!, 'imp-ed'))).status).toBe(200);
    // A till's claim is refused at two purchases; the import's record of a third is history.
    expect((await api.claim(claimBody(did, refId!, 'imp-ed'))).status).toBe(400);
    expect((await keep(kept(did, refId!, 'imp-ed'))).status).toBe(200);
  });

  it('spends the stamps an import recorded with their source time on a stamp card', async () => {
    const did = await api.rule(stampCard);
    const [refId] = await api.give(did, ['imp-fi']);
    const at = (days: number) => new Date(Date.now() - days * DAY).toISOString();
    const imported = json(
      call('POST', `${api.base}/customers/imp-fi/refs/${refId}?keep_id=true`, {
        token: api.token,
        body: { usage_ref: { ref: 'visit-1', stamp: 2, purchase_at: at(4) } },
      }),
    );
    expect((await imported).status).toBe(200);
    const body = {
      purchase_at: at(3),
      customer_id: 'imp-fi',
      discounts: [{ id: did, refs: [{ id: refId, amount: 3500, usage: 1 }] }],
      id: crypto.randomUUID(),
      created_at: at(3),
    };
    expect((await keep(body)).status).toBe(200);
    expect((await api.ref('imp-fi', refId!)).body.statistics).toMatchObject({ stamp: 0, usage: 1 });
    expect((await api.release(body.id)).status).toBe(200);
    expect((await api.ref('imp-fi', refId!)).body.statistics).toMatchObject({ stamp: 2, current_stamp: 2, usage: 0 });
  });
});
