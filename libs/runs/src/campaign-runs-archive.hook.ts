import { Injectable, OnModuleInit } from '@nestjs/common';
import { CampaignArchiveHooks } from '@touchbase/campaigns';
import { cancelPendingRunsOfCampaign } from './runs.repository';

/** Archiving a campaign cancels its runs not yet planned (archived campaigns never run). */
@Injectable()
export class CampaignRunsArchiveHook implements OnModuleInit {
  constructor(private readonly hooks: CampaignArchiveHooks) {}

  onModuleInit(): void {
    this.hooks.register('runs', (manager, campaignId) =>
      cancelPendingRunsOfCampaign(manager, campaignId, 'the campaign was archived'),
    );
  }
}
