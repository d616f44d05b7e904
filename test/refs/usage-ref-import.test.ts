/**
 * `POST /discounts/customers/{cid}/refs/{ref_id}?keep_id=true` with `usage_ref.purchase_at`
 * (docs/api-decisions.md "Imports"): an import records a usage counter at its source's time, so a
 * stamp card's `stamp_expire_days` counts from when the stamp was earned, not from the import.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, stampCardRule, tokenWith } from '../helpers';
import { accountApi } from '../claims/helpers';

const AID = 'T31000241';
const DAY = 86_400_000;
let api: Awaited<ReturnType<typeof accountApi>>;
beforeAll(async () => {
  api = await accountApi(AID);
});

/** Stamps expire after 30 days. */
const stampCard = stampCardRule(3, { stamp_expire_days: 30 });
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const record = (
  cid: string,
  refId: string,
  usage_ref: Record<string, unknown>,
  query = '?keep_id=true',
  token = api.token,
) => json(call('POST', `${api.base}/customers/${cid}/refs/${refId}${query}`, { token, body: { usage_ref } }));

describe('usage refs kept from an import', { timeout: 30_000 }, () => {
  it('dates the ledger row at the source time, so stamps expire counted from it', async () => {
    const did = await api.rule(stampCard);
    const [refId] = await api.give(did, ['imp-gro']);
    expect((await record('imp-gro', refId!, { ref: 'v-old', stamp: 1, purchase_at: daysAgo(31) })).status).toBe(200);
    expect((await record('imp-gro', refId!, { ref: 'v-edge', stamp: 1, purchase_at: daysAgo(29) })).status).toBe(200);
    expect((await record('imp-gro', refId!, { ref: 'v-now', stamp: 1 })).status).toBe(200);
    // Three stamps recorded; the one earned 31 days ago is past stamp_expire_days.
    expect((await api.ref('imp-gro', refId!)).body.statistics).toMatchObject({ stamp: 3, current_stamp: 2 });
    const ledger = (await api.usages(did)).body;
    const old = ledger.find((u: { source_ref: string }) => u.source_ref === 'v-old');
    expect(Date.parse(old.purchase_at)).toBeLessThan(Date.now() - 30 * DAY);
    // Sent again (a rerun of the import), nothing changes.
    expect((await record('imp-gro', refId!, { ref: 'v-old', stamp: 1, purchase_at: daysAgo(31) })).status).toBe(200);
    expect((await api.ref('imp-gro', refId!)).body.statistics).toMatchObject({ stamp: 3, current_stamp: 2 });
  });

  it('takes purchase_at only with keep_id=true, from admin:discounts', async () => {
    const did = await api.rule(stampCard);
    const [refId] = await api.give(did, ['imp-hal']);
    const entry = { ref: 'v-1', stamp: 1, purchase_at: daysAgo(2) };
    const plain = await record('imp-hal', refId!, entry, '');
    expect(plain.status).toBe(400);
    expect(plain.body.error.errors[0].field).toBe('usage_ref.purchase_at');
    const bad = await record('imp-hal', refId!, { ...entry, purchase_at: 'last week' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.errors[0].field).toBe('usage_ref.purchase_at');
    const writer = await tokenWith(['write:discounts', 'read:discounts'], AID);
    expect((await record('imp-hal', refId!, entry, '?keep_id=true', writer)).status).toBe(403);
    expect((await api.ref('imp-hal', refId!)).body.statistics).toMatchObject({ stamp: 0 });
    // Without purchase_at the flag changes nothing: the row is dated now, as for any usage_ref.
    expect((await record('imp-hal', refId!, { ref: 'v-2', stamp: 1 }, '?keep_id=true', writer)).status).toBe(200);
  });
});
