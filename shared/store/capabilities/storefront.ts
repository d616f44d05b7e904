import type { PublicRulesQuery } from '../../schemas/public-rules';
import type { SettingsPatch } from '../../schemas/settings';
import type { Host } from '../account-base';
import type { PublicRulesStore } from '../public-rules';
import type { SettingsStore } from '../settings';

export interface StorefrontHost extends Pick<Host, 'tx' | 'listed'> {
  settings: SettingsStore;
  publicRules: PublicRulesStore;
}

/**
 * Settings and the public offers storefronts read (docs/public-offers.md). The public reads are
 * called only when the edge cache has no usable entry (functions/public-cache.ts); `publicReads`
 * counts those calls for tests and benchmarks.
 */
export class StorefrontRpc {
  private publicReads = 0;

  constructor(private readonly h: StorefrontHost) {}

  publicCacheInfo() {
    this.publicReads++;
    return this.h.publicRules.cacheInfo();
  }
  listPublicRules(query: PublicRulesQuery, now: number) {
    this.publicReads++;
    return this.h.publicRules.list(query, now);
  }
  getPublicRule(id: string, now: number) {
    this.publicReads++;
    return this.h.publicRules.get(id, now);
  }
  publicReadCount() {
    return this.publicReads;
  }

  getSettings() {
    return this.h.settings.get();
  }
  /** Public-offers settings let callers without a token in: answered once the account is listed. */
  updateSettings(patch: SettingsPatch, actor: string) {
    return this.h.listed(this.h.tx(() => this.h.settings.update(patch, actor)));
  }
}
