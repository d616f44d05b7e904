/**
 * The import's bounded concurrency (scripts/import-common.mjs `each`): at most `limit` items in
 * flight, and a page settles only when every started item has finished, so the state file never
 * records a page with work still running (docs/import.md "Resumable").
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { each, IN_FLIGHT } from '../../scripts/import-common.mjs';

const tick = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

describe('import: items in flight', () => {
  it('runs every item, at most IN_FLIGHT at once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await each(
      Array.from({ length: 30 }, (_, i) => i),
      async (i: number) => {
        running++;
        most = Math.max(most, running);
        await tick(i % 3);
        running--;
        done.push(i);
      },
    );
    expect(IN_FLIGHT).toBe(8);
    expect(most).toBe(IN_FLIGHT);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('on a failure starts nothing more and throws only after the items in flight finished', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = each(
      Array.from({ length: 30 }, (_, i) => i),
      async (i: number) => {
        started.push(i);
        if (i === 2) throw new Error('item 2 failed');
        await tick(20);
        finished.push(i);
      },
      4,
    );
    await expect(run).rejects.toThrow('item 2 failed');
    // Items 0, 1 and 3 were in flight with item 2: they finish, and no item after them starts.
    expect(started).toEqual([0, 1, 2, 3]);
    expect(finished.sort()).toEqual([0, 1, 3]);
  });
});
