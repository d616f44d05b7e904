/**
 * Starts the Worker with `wrangler dev` for node-side tests (*.node.test.ts): a free port, its own
 * persisted state in a scratch directory, and the whole process group ended afterwards.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface DevWorker {
  origin: string;
  scratch: string;
  stop(): void;
}

export async function startWorker(readyPath = '/openapi.json'): Promise<DevWorker> {
  const scratch = mkdtempSync(join(tmpdir(), 'rabatt-dev-'));
  const port = await freePort();
  // Its own inspector port too: two workers (or another checkout's) must not both want 9229.
  const inspectorPort = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  let log = '';
  const worker: ChildProcess = spawn(
    process.execPath,
    [
      join(root, 'node_modules/wrangler/bin/wrangler.js'),
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      join(scratch, 'state'),
      '--show-interactive-dev-session=false',
      '--log-level',
      'warn',
    ],
    {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    },
  );
  worker.stdout!.on('data', (d) => (log += d));
  worker.stderr!.on('data', (d) => (log += d));
  const stop = () => {
    // wrangler starts workerd as a child: end the whole group this test started.
    if (worker.pid && worker.exitCode === null) process.kill(-worker.pid, 'SIGTERM');
    rmSync(scratch, { recursive: true, force: true });
  };
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    if (worker.exitCode !== null) break;
    try {
      if ((await fetch(`${origin}${readyPath}`)).ok) return { origin, scratch, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  stop();
  throw new Error(`wrangler dev did not come up on ${origin}:\n${log}`);
}

/** The dev client exactly as `npm run dev` sets it up (.dev.vars from .dev.vars.example). */
export function devClient(): { id: string; secret: string } {
  execFileSync(process.execPath, [join(root, 'scripts/ensure-dev-vars.mjs')], { cwd: root });
  const vars: Record<string, string> = Object.fromEntries(
    readFileSync(join(root, '.dev.vars'), 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z0-9_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { id: vars.BOOTSTRAP_CLIENT_ID!, secret: vars.BOOTSTRAP_CLIENT_SECRET! };
}
