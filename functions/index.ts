import app from './app';
import type { Env } from './env';
import { runScheduledCleanup } from './scheduled';
import type { DeliveryMessage } from '../shared/automations/delivery-message';
import { consumeDeliveries } from './deliveries';

export { AccountStore } from '../shared/store/account';
export { AccountRegistry } from '../shared/maintenance/registry';

export default {
  fetch: app.fetch,
  // Hourly (wrangler.toml `[triggers]`): cleanups as of the scheduled time (docs/maintenance.md).
  // Awaited, not waitUntil: a run that fails shows as a failed cron invocation.
  async scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext) {
    await runScheduledCleanup(env, controller.scheduledTime);
  },
  // The delivery queue's consumer (wrangler.toml `[[queues.consumers]]`): automations' HTTP calls.
  async queue(batch: MessageBatch<DeliveryMessage>, env: Env, _ctx: ExecutionContext) {
    await consumeDeliveries(batch, env);
  },
} satisfies ExportedHandler<Env, DeliveryMessage>;
