import { Injectable } from '@nestjs/common';
import { Campaign } from '@touchbase/campaigns';
import { Run } from '@touchbase/runs';
import type { Params } from './planner.sql';

/**
 * A system campaign's own audience: a boolean over the client `c` and its preferences `p`, its values
 * bound through `p` (the statement's parameters), evaluated on top of the campaign's segment.
 */
export type PlanAudience = (run: Run, params: Params) => string;

/**
 * Libraries that plan a system campaign through the planner (VIP cooling) register its audience here,
 * by the campaign's key: its run then gets the caps, channel choice and sending windows of any other.
 */
@Injectable()
export class PlanAudiences {
  private readonly audiences = new Map<string, PlanAudience>();

  register(campaignKey: string, audience: PlanAudience): void {
    this.audiences.set(campaignKey, audience);
  }

  /** The run's extra audience condition, bound to `run`; undefined for an ordinary campaign. */
  of(campaign: Campaign, run: Run): ((params: Params) => string) | undefined {
    const audience = campaign.playbookKey ? this.audiences.get(campaign.playbookKey) : undefined;
    return audience && ((params: Params) => audience(run, params));
  }
}
