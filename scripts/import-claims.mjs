/**
 * Claims as history (docs/import.md): each live claim of the source is recorded on the target
 * under its own id and `created_at` (`POST .../claims?keep_id=true`, docs/claims.md "Imports"),
 * naming the target's refs for the same holders, so a till can read and release it there. The
 * usage step leaves these claims' `usage_refs` entries to this step, so each counts once.
 */
import { ImportError, pages, same } from './import-common.mjs';

const CLAIMS = '/discounts/available_for_receipt/claims';
const enc = encodeURIComponent;
const holder = (ref) => `${ref.customer_id ?? ref.kind}\u0000${ref.offering_constraint_id ?? ''}`;

/** Whether the source lists claims (rabatt and Dintero do; anything but a 200 means no). */
export const offersClaims = async (source) => (await source.call('GET', `${CLAIMS}?limit=1`)).status === 200;

/**
 * The ids of the source's live claims, read once; empty when the source offers no claim list
 * (its claims' effects are then copied as usage counters, as any other usage_refs entry).
 */
export function claimIdsOf(source) {
  let ids;
  return () => {
    ids ??= (async () => {
      const live = new Set();
      if (!(await offersClaims(source))) return live;
      for await (const { items } of pages(source, CLAIMS, 'id'))
        for (const c of items) if (!c.deleted_at) live.add(c.id);
      return live;
    })();
    return ids;
  };
}

/** Where each source ref of a rule lives on the target (same holder and offering), read once per rule. */
function refMaps(source, target, liveRefs) {
  const maps = new Map();
  return (ruleId) => {
    if (!maps.has(ruleId))
      maps.set(
        ruleId,
        (async () => {
          // A rule deleted on the source since its claim was never copied: no refs to name there.
          const onTarget = (await target.must('GET', `/discounts/rules/${enc(ruleId)}`, undefined, [200, 404])).status;
          const [theirs, ours] = await Promise.all([
            liveRefs(source, ruleId),
            onTarget === 404 ? [] : liveRefs(target, ruleId),
          ]);
          const ourIds = new Map(ours.map((r) => [holder(r), r.id]));
          return new Map(theirs.map((r) => [r.id, ourIds.get(holder(r))]));
        })(),
      );
    return maps.get(ruleId);
  };
}

const sameInstant = (a, b) => Date.parse(a) === Date.parse(b);
const sameClaim = (have, wanted) =>
  sameInstant(have.created_at, wanted.created_at) &&
  sameInstant(have.purchase_at, wanted.purchase_at) &&
  same(
    [have.customer_id, have.ref, have.type, have.discounts],
    [wanted.customer_id, wanted.ref, wanted.type, wanted.discounts],
  );

/**
 * One live claim, with its refs mapped to the target's. A claim naming a ref or a rule the source
 * has deleted since is not copied (nor are that ref's counters). Claims are created one at a time,
 * in the source's order; one the target holds with other content stops the run (exit 2).
 */
export function claimCopier(liveRefs) {
  let mapOf;
  return async (source, target, claim, count) => {
    if (claim.deleted_at) return;
    mapOf ??= refMaps(source, target, liveRefs);
    const discounts = [];
    for (const d of claim.discounts) {
      const map = await mapOf(d.id);
      const refs = d.refs.map(({ id, ...figures }) => ({ id: map.get(id), ...figures }));
      if (refs.some((r) => r.id === undefined)) return;
      discounts.push({ id: d.id, ...(d.code !== undefined && { code: d.code }), refs });
    }
    const wanted = {
      id: claim.id,
      created_at: claim.created_at,
      purchase_at: claim.purchase_at,
      ...(claim.customer_id !== undefined && { customer_id: claim.customer_id }),
      discounts,
      ...(claim.ref !== undefined && { ref: claim.ref }),
      ...(claim.type !== undefined && { type: claim.type }),
    };
    const there = await target.must('GET', `${CLAIMS}/${enc(claim.id)}`, undefined, [200, 404]);
    if (there.status === 200) {
      // Released on the target since (a till's void) is still the same claim.
      if (sameClaim(there.body, wanted)) return count('unchanged');
      throw new ImportError(`target: claim ${claim.id} exists there with other content`);
    }
    await target.must('POST', `${CLAIMS}?keep_id=true`, wanted);
    count('created');
  };
}
