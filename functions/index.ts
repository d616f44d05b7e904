import app from './app';
import type { Env } from '../shared/env';
import { runScheduledCleanup } from '../shared/maintenance/scheduled';

export { AccountStore } from '../shared/store/account';
export { AccountRegistry } from '../shared/maintenance/registry';

export default {
  fetch: app.fetch,
  // Hourly (wrangler.toml `[triggers]`): cleanups as of the scheduled time (docs/maintenance.md).
  // Awaited, not waitUntil: a run that fails shows as a failed cron invocation.
  async scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext) {
    await runScheduledCleanup(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;

// The same bindings for `env` / `exports` imported from 'cloudflare:workers' (tests use them).
// Declared here, not in shared/env.ts: the main module is the Worker's, and shared/ never names functions/.
type RabattEnv = Env;
declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import('./index');
      durableNamespaces: 'AccountStore' | 'AccountRegistry';
    }
    interface Env extends RabattEnv {}
  }
}
