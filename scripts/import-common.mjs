/** What the import's parts share (docs/import.md): its error, Dintero's paging, comparing items. */

const PAGE = 100;
const SERVER_FIELDS = ['id', 'created_at', 'created_by', 'updated_at', 'updated_by', 'deleted_at', 'deleted_by'];

/** A refusal, a bad argument or an answer the import cannot go on from: exit 2, with the reason. */
export class ImportError extends Error {}

/** Dintero's paging: `limit` and `starting_after` = the last item's key, until a short page. */
export async function* pages(api, path, key, after, size = PAGE) {
  let cursor = after;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const q = `${sep}limit=${size}${cursor === undefined ? '' : `&starting_after=${encodeURIComponent(cursor)}`}`;
    const { body } = await api.must('GET', path + q);
    if (body.length) yield { items: body, last: body[body.length - 1][key] };
    if (body.length < size) return;
    cursor = body[body.length - 1][key];
  }
}

export const strip = (o, extra = []) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !SERVER_FIELDS.includes(k) && !extra.includes(k)));
export const same = (a, b) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
function sorted(x) {
  if (Array.isArray(x)) return x.map(sorted);
  if (x && typeof x === 'object')
    return Object.fromEntries(
      Object.keys(x)
        .sort()
        .map((k) => [k, sorted(x[k])]),
    );
  return x;
}

/** Requests in flight at once within one page (docs/import.md): enough to hide round trips, small for the servers. */
export const IN_FLIGHT = 8;

/**
 * Runs `fn` on every item, at most `limit` at a time, and settles only when all have finished: a
 * failure stops new items from starting and is thrown once those in flight are done, so a page is
 * never recorded as finished with work still running.
 */
export async function each(items, fn, limit = IN_FLIGHT) {
  let next = 0;
  let failure;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.err;
}

/**
 * The target's items (keyed by `key`) on the page that follows `after` in `path`: ids are kept and
 * an import keeps the source's order, so after a first run these are the source page's items
 * (anything else is looked up one by one). A cursor the target does not know reads as no items.
 */
export async function targetPage(target, path, key, after, size = PAGE) {
  const sep = path.includes('?') ? '&' : '?';
  const cursor = after === undefined ? '' : `&starting_after=${encodeURIComponent(after)}`;
  const r = await target.call('GET', `${path}${sep}limit=${Math.max(size, PAGE)}${cursor}`);
  return new Map(r.status === 200 && Array.isArray(r.body) ? r.body.map((item) => [item[key], item]) : []);
}

/**
 * A page of items that keep their id on the target (`copy(source, target, item, count, have?)`):
 * those the target's matching page holds are compared IN_FLIGHT at a time; the others are created
 * one by one in the source's order, which lists (and rule evaluation) follow on the target too.
 */
export const keptIds = (path, key, copy) => async (source, target, items, count, after) => {
  const ours = await targetPage(target, path, key, after, items.length);
  await each(
    items.filter((item) => ours.has(item[key])),
    (item) => copy(source, target, item, count, ours.get(item[key])),
  );
  for (const item of items) if (!ours.has(item[key])) await copy(source, target, item, count);
};
