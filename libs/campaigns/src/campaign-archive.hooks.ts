import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** What a library above campaigns does with its own rows when a campaign is archived; returns a count. */
export type CampaignArchiveHook = (manager: EntityManager, campaignId: string) => Promise<number>;

/**
 * Libraries above campaigns (runs) register here what archiving a campaign means for their tables, in
 * the archiving transaction, so that campaigns never writes a table it does not own.
 */
@Injectable()
export class CampaignArchiveHooks {
  private readonly hooks = new Map<string, CampaignArchiveHook>();

  register(name: string, hook: CampaignArchiveHook): void {
    this.hooks.set(name, hook);
  }

  /** Runs every hook; the counts by hook name. */
  async run(manager: EntityManager, campaignId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const [name, hook] of this.hooks) counts[name] = await hook(manager, campaignId);
    return counts;
  }
}
