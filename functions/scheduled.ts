import type { Env } from './env';
import { accountClient } from './account-client';
import { REGISTRY_NAME } from '../shared/maintenance/registry';

/** Accounts one cron invocation visits; the registry remembers where the next one starts. */
export const ACCOUNTS_PER_RUN = 500;
/** Account objects cleaned at the same time (each is one RPC). */
const CONCURRENCY = 8;

export interface ScheduledOutcome {
  visited: number;
  idle: number;
  failed: number;
  incomplete: number;
}

/**
 * The cron's work: one page of registered accounts, each asked to clean up as of the scheduled
 * time, a few at a time. One structured log line per account; a failing account is logged and
 * skipped (its next visit retries), it never stops the others. `pageSize` is a parameter so tests
 * can walk the registry over several runs without registering hundreds of accounts.
 */
export async function runScheduledCleanup(
  env: Env,
  scheduledTime: number,
  pageSize = ACCOUNTS_PER_RUN,
): Promise<ScheduledOutcome> {
  const registry = env.REGISTRY.getByName(REGISTRY_NAME);
  const { aids, next } = await registry.page(pageSize);
  const outcome: ScheduledOutcome = { visited: 0, idle: 0, failed: 0, incomplete: 0 };
  let i = 0;
  const worker = async () => {
    while (i < aids.length) {
      const aid = aids[i++]!;
      const started = Date.now();
      try {
        const run = await accountClient(env, aid).cleanup(scheduledTime);
        outcome.visited++;
        if (run.idle) outcome.idle++;
        if (!run.complete) outcome.incomplete++;
        console.log(
          JSON.stringify({
            level: 'info',
            msg: 'cleanup',
            aid,
            idle: run.idle,
            complete: run.complete,
            removed: run.removed,
            kept: run.kept,
            ms: Date.now() - started,
            object_ms: run.duration_ms,
          }),
        );
      } catch (err) {
        outcome.failed++;
        console.error(
          JSON.stringify({ level: 'error', msg: 'cleanup failed', aid, error: String(err), ms: Date.now() - started }),
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, aids.length) }, worker));
  await registry.advance(next);
  return outcome;
}
