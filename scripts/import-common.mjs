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
