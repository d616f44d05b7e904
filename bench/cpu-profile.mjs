// CPU profiles of the Worker under load (issue 22: "profile first"): workerd's V8 inspector over the
// DevTools protocol, the same one `wrangler dev` opens for Chrome's DevTools. One isolate runs the
// Worker and its Durable Objects, so a profile covers the request path and the account object alike.
//
//   const worker = await startWorker({ inspectorPort: 9331 });
//   const profile = await cpuProfile(9331, () => load());    // a .cpuprofile object
//   console.log(summary(profile, 25));                       // the top functions by self time
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';

/** Profiles the isolate behind workerd's inspector on `port` while `work()` runs. */
export async function cpuProfile(port, work, { intervalMicros = 100 } = {}) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const target = targets.find((t) => t.webSocketDebuggerUrl && !/^core:/.test(t.title ?? '')) ?? targets[0];
  if (!target) throw new Error(`no inspector target on port ${port}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((done, fail) => ws.once('open', done).once('error', fail));
  let id = 0;
  const waiting = new Map();
  ws.on('message', (data) => {
    const message = JSON.parse(String(data));
    const pending = waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id);
    if (message.error) pending.fail(new Error(JSON.stringify(message.error)));
    else pending.done(message.result);
  });
  const call = (method, params = {}) =>
    new Promise((done, fail) => {
      waiting.set(++id, { done, fail });
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: intervalMicros });
  await call('Profiler.start');
  try {
    await work();
    return (await call('Profiler.stop')).profile;
  } finally {
    ws.close();
  }
}

const IDLE = new Set(['(idle)', '(program)']);

/**
 * Self time by function (name, file and line), as shares of the busy time (samples outside `(idle)`
 * and `(program)`, and outside the functions named in `exclude` and the native code they call), plus
 * the share of the whole profile the isolate was running anything (excluded functions included).
 * Markdown table rows.
 */
export function summary(profile, top = 20, { exclude = [] } = {}) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n);
  // An excluded function's own time, and the runtime's native code it called directly (V8 shows
  // either, depending on how it compiled the caller).
  const excluded = (nodeId) => {
    const node = byId.get(nodeId);
    if (exclude.includes(node.callFrame.functionName)) return true;
    return node.callFrame.url === '' && exclude.includes(parentOf.get(nodeId)?.callFrame.functionName);
  };
  const counts = new Map();
  for (const sample of profile.samples) counts.set(sample, (counts.get(sample) ?? 0) + 1);
  const self = new Map();
  let busy = 0;
  let running = 0;
  let all = 0;
  for (const [nodeId, count] of counts) {
    const { callFrame } = byId.get(nodeId);
    all += count;
    if (IDLE.has(callFrame.functionName)) continue;
    running += count;
    if (excluded(nodeId)) continue;
    busy += count;
    const file = callFrame.url.split('/').at(-1) ?? '';
    const key = `${callFrame.functionName || '(anonymous)'} ${file}:${callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + count);
  }
  const rows = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, count]) => `| \`${key}\` | ${((100 * count) / busy).toFixed(1)} % |`);
  return {
    busyShare: running / Math.max(1, all),
    table: ['| function (self time) | share of busy time |', '|---|---:|', ...rows].join('\n'),
  };
}

export const saveProfile = (path, profile) => writeFileSync(path, JSON.stringify(profile));
