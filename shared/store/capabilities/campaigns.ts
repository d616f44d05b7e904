import type { CampaignInput, CampaignListQuery, CampaignUpdate } from '../../schemas/campaign';
import type { Host } from '../account-base';
import type { CampaignStore } from '../campaigns';

export interface CampaignsHost extends Pick<Host, 'tx'> {
  campaigns: CampaignStore;
}

/** Campaigns (docs/campaigns.md): groups of rules. */
export class CampaignsRpc {
  constructor(private readonly h: CampaignsHost) {}

  createCampaign(input: CampaignInput, actor: string) {
    return this.h.tx(() => this.h.campaigns.create(input, actor, crypto.randomUUID()));
  }
  getCampaign(campaignId: string) {
    return this.h.campaigns.get(campaignId);
  }
  listCampaigns(query: CampaignListQuery) {
    return this.h.campaigns.list(query);
  }
  updateCampaign(campaignId: string, patch: CampaignUpdate, actor: string) {
    return this.h.tx(() => this.h.campaigns.update(campaignId, patch, actor));
  }
  deleteCampaign(campaignId: string, actor: string) {
    return this.h.tx(() => this.h.campaigns.delete(campaignId, actor));
  }
}
