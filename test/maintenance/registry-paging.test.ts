import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runScheduledCleanup } from '../../functions/scheduled';
import type { Env } from '../../functions/env';
import { RETENTION, sql } from './helpers';

// This file's storage is its own, so the registry holds exactly these accounts.
const AIDS = ['T92000001', 'T92000002', 'T92000003', 'T92000004', 'T92000005'];
const BROKEN = 'T92000003';
const T = Date.now();

/** Puts one checkout event past the retention into `aid`, so a cleanup visit is visible. */
const due = (aid: string) =>
  sql(
    aid,
    `INSERT INTO checkout_events (id, event, outcome, created_at, created_by) VALUES (?, 'CAPTURE', 'claimed', ?, 'x')`,
    `old-${Math.random()}`,
    T - RETENTION - 1,
  );
const pending = async (aid: string) => Number((await sql(aid, 'SELECT COUNT(*) AS n FROM checkout_events'))[0]!.n);

/** The real bindings, except that BROKEN's cleanup throws while `broken` is true. */
let broken = false;
const flaky = {
  ...(env as unknown as Env),
  ACCOUNTS: {
    getByName(name: string) {
      const stub = env.ACCOUNTS.getByName(name);
      if (name !== BROKEN) return stub;
      return {
        cleanup: (at: number) => (broken ? Promise.reject(new Error('disk on fire')) : stub.cleanup(at)),
      };
    },
  },
} as unknown as Env;

let logs: ReturnType<typeof vi.spyOn>;
let errors: ReturnType<typeof vi.spyOn>;
beforeEach(async () => {
  logs = vi.spyOn(console, 'log').mockImplementation(() => {});
  errors = vi.spyOn(console, 'error').mockImplementation(() => {});
  // Each test starts its walk at the first account, whatever an earlier test left.
  await env.REGISTRY.getByName('registry').advance(null);
  broken = false;
});
afterEach(() => vi.restoreAllMocks());

const lines = (spy: ReturnType<typeof vi.spyOn>): Record<string, unknown>[] =>
  spy.mock.calls.map((c: unknown[]) => JSON.parse(String(c[0])));
/** One scheduled run with pages of 2: which accounts it cleaned (sorted) and its outcome. */
async function run() {
  logs.mockClear();
  errors.mockClear();
  const outcome = await runScheduledCleanup(flaky, T, 2);
  const cleaned = lines(logs)
    .filter((l) => l.msg === 'cleanup')
    .map((l) => l.aid as string)
    .sort();
  return { outcome, cleaned };
}

beforeAll(async () => {
  const registry = env.REGISTRY.getByName('registry');
  for (const aid of AIDS) await registry.register(aid);
});

describe('the cron walks the registry one page per run', { timeout: 30_000 }, () => {
  it('visits every account over several runs and wraps around to the first', async () => {
    for (const aid of AIDS) await due(aid);
    expect((await run()).cleaned).toEqual(['T92000001', 'T92000002']);
    expect((await run()).cleaned).toEqual(['T92000003', 'T92000004']);
    // The last page is short, so the next run starts again from the first account.
    expect((await run()).cleaned).toEqual(['T92000005']);
    for (const aid of AIDS) expect(await pending(aid), aid).toBe(0);
    await due('T92000001');
    expect((await run()).cleaned).toEqual(['T92000001', 'T92000002']);
    expect(await pending('T92000001')).toBe(0);
  });

  it('logs and skips an account whose cleanup throws; the others on its page and later pages are cleaned', async () => {
    for (const aid of AIDS) await due(aid);
    broken = true;
    expect((await run()).cleaned).toEqual(['T92000001', 'T92000002']);
    const failing = await run();
    expect(failing.outcome).toMatchObject({ visited: 1, failed: 1 });
    expect(failing.cleaned).toEqual(['T92000004']);
    expect(lines(errors)).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'cleanup failed',
        aid: BROKEN,
        error: expect.stringContaining('disk on fire'),
      }),
    ]);
    expect(await pending(BROKEN)).toBe(1);
    expect(await pending('T92000004')).toBe(0);
    // The failure does not hold the walk back: the next page follows.
    expect((await run()).cleaned).toEqual(['T92000005']);
    expect((await run()).cleaned).toEqual(['T92000001', 'T92000002']);
    // Its next visit (the next lap) retries it.
    broken = false;
    const retry = await run();
    expect(retry.cleaned).toEqual([BROKEN, 'T92000004']);
    expect(retry.outcome).toMatchObject({ visited: 2, failed: 0 });
    for (const aid of AIDS) expect(await pending(aid), aid).toBe(0);
  });
});
