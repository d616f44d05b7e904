import type { CampaignInput, CampaignListQuery, CampaignUpdate } from '../../schemas/campaign';
import type { Host } from '../account-base';
import type { Campaign } from '../../schemas/campaign';
import type { BudgetStore } from '../budgets';
import type { CampaignStore } from '../campaigns';

export interface CampaignsHost extends Pick<Host, 'tx'> {
  campaigns: CampaignStore;
  budgets: Pick<BudgetStore, 'campaignStatus'>;
}

/** Campaigns (docs/campaigns.md): groups of rules. */
export class CampaignsRpc {
  constructor(private readonly h: CampaignsHost) {}

  createCampaign(input: CampaignInput, actor: string) {
    return this.h.tx(() => this.h.campaigns.create(input, actor, crypto.randomUUID()));
  }
  /** With `budget` (used and left by all its rules) when it has one: docs/budgets.md. */
  getCampaign(campaignId: string): Campaign {
    const campaign = this.h.campaigns.get(campaignId);
    const budget = this.h.budgets.campaignStatus(campaign.campaign_id, campaign.limitation);
    return budget ? { ...campaign, budget } : campaign;
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
