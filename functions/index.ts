import app from './app';
import type { Env } from '../shared/env';

export { AccountStore } from '../shared/store/account';

export default {
  fetch: app.fetch,
  async scheduled(_controller: ScheduledController, _env: Env, _ctx: ExecutionContext) {
    // Cleanups arrive with the scheduled-cleanups work; the trigger is declared already.
  },
} satisfies ExportedHandler<Env>;
