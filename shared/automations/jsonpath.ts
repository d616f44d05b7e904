/**
 * The JSONPath subset automations use to read events (filters and HTTP body templates):
 * `$`, `.name`, `['name']`, `[0]` and `[*]`, e.g. `$.store.id` or `$.addresses[*].postal_code`.
 * No filters, slices or recursive descent: every path is a straight walk, so evaluating one costs
 * at most the size of the event and a bad path is refused when the automation is written.
 */
export type Segment = { key: string } | { index: number } | { all: true };

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*/;
const QUOTED = /^\[(?:'([^'\\]{1,200})'|"([^"\\]{1,200})")\]/;
const INDEX = /^\[(\d{1,6})\]/;
export const MAX_PATH_LENGTH = 200;

/** One segment at the start of `rest` and its length, or undefined when none fits. */
function nextSegment(rest: string): [Segment, number] | undefined {
  if (rest.startsWith('.*') || rest.startsWith('[*]')) return [{ all: true }, rest.startsWith('.*') ? 2 : 3];
  const name = rest.startsWith('.') ? NAME.exec(rest.slice(1)) : null;
  if (name) return [{ key: name[0] }, 1 + name[0].length];
  const quoted = QUOTED.exec(rest);
  if (quoted) return [{ key: (quoted[1] ?? quoted[2])! }, quoted[0].length];
  const index = INDEX.exec(rest);
  if (index) return [{ index: Number(index[1]) }, index[0].length];
  return undefined;
}

/** The segments of `path`, or undefined when it is not in the supported subset. */
export function parsePath(path: string): Segment[] | undefined {
  if (path.length > MAX_PATH_LENGTH || !path.startsWith('$')) return undefined;
  const segments: Segment[] = [];
  let rest = path.slice(1);
  while (rest.length) {
    const next = nextSegment(rest);
    if (!next) return undefined;
    segments.push(next[0]);
    rest = rest.slice(next[1]);
  }
  return segments;
}

export const isJsonPath = (path: string) => parsePath(path) !== undefined;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/** Every value `path` reaches in `root` (none when it reaches nothing). */
export function select(root: unknown, path: string): unknown[] {
  const segments = parsePath(path);
  if (!segments) return [];
  let nodes: unknown[] = [root];
  for (const s of segments) {
    const next: unknown[] = [];
    for (const node of nodes) {
      if (!isObject(node)) continue;
      if ('all' in s) next.push(...(Array.isArray(node) ? node : Object.values(node)));
      else if ('index' in s) {
        if (Array.isArray(node) && s.index < node.length) next.push(node[s.index]);
      } else if (!Array.isArray(node) && Object.hasOwn(node, s.key)) next.push(node[s.key]);
    }
    nodes = next;
  }
  return nodes.filter((n) => n !== undefined);
}
