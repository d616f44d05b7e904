import { DAY_MS } from '../../engine/usability';
import type { AccountCleanup } from '../../maintenance/cleanup';
import type { Host } from '../account-base';
import type { DeliveryOutbox } from '../deliveries';
import type { CheckoutDesk } from '../checkout-callbacks';
import type { SettingsStore } from '../settings';
import type { SigningSecretStore } from '../signing-secret';
import type { EventWrites } from './automations';

export interface MaintenanceHost extends Pick<Host, 'tx' | 'register' | 'fresh' | 'env'> {
  cleanup: AccountCleanup;
  settings: SettingsStore;
  automations: Pick<DeliveryOutbox, 'purgeDeliveries' | 'stranded'>;
  desk: Pick<CheckoutDesk, 'resealSecret'>;
  signing: Pick<SigningSecretStore, 'resealRotated'>;
  events: Pick<EventWrites, 'enqueue'>;
}

/** Deliveries the queue never took (a failed send) or lost are sent again after this long pending. */
export const STRANDED_AFTER_MS = 15 * 60_000;

/** Scheduled cleanups (docs/maintenance.md); the cron calls `cleanup` once per account visit. */
export class MaintenanceRpc {
  constructor(private readonly h: MaintenanceHost) {}

  /** `now` is the cron's scheduled time. The visit also lists accounts registered before the directory existed. */
  async cleanup(now: number) {
    await this.h.register();
    // Not part of the summary: nothing is deleted, and without a rotation it does nothing.
    await this.h.desk.resealSecret();
    await this.h.signing.resealRotated({ current: this.h.env.SECRETS_KEY, previous: this.h.env.SECRETS_KEY_PREVIOUS });
    this.h.fresh(); // storage may have changed while the reseal awaited
    const at = Number.isFinite(now) ? now : Date.now();
    const run = this.h.cleanup.run(at);
    // Finished deliveries are kept for retention_days, like soft-deleted rows (docs/automations.md).
    const days = this.h.settings.values().retention_days;
    this.h.tx(() => this.h.automations.purgeDeliveries(at - days * DAY_MS));
    await this.h.events.enqueue(this.h.automations.stranded(at - STRANDED_AFTER_MS));
    return run;
  }
  maintenanceStatus() {
    return this.h.cleanup.status();
  }
}
