import { DataSource, EntityManager } from 'typeorm';
import { Campaign, CampaignKind, CampaignStatus, Edition, Priority } from '@touchbase/campaigns';
import { Channel } from '@touchbase/core';

let seq = 0;

/** A campaign with sensible defaults: an active broadcast by email about `news`, due once now. */
export async function createCampaign(
  dataSource: DataSource | EntityManager,
  overrides: Partial<Campaign> = {},
): Promise<Campaign> {
  seq += 1;
  const repo = dataSource.getRepository(Campaign);
  return repo.save(
    repo.create({
      name: `Campaign ${seq} ${Math.random().toString(36).slice(2, 8)}`,
      kind: CampaignKind.Broadcast,
      status: CampaignStatus.Active,
      topicKey: 'news',
      channels: [Channel.Email],
      channelRules: [],
      templates: {},
      priority: Priority.Normal,
      schedule: { type: 'once', at: new Date().toISOString() },
      timeZone: 'Europe/Moscow',
      deadlineHours: 72,
      graceHours: 24,
      requiresEdition: false,
      ...overrides,
    }),
  );
}

/** The content of a campaign's period (an edition); no subject or blocks unless given. */
export async function createEdition(
  dataSource: DataSource | EntityManager,
  campaign: Pick<Campaign, 'id'>,
  periodKey: string,
  fields: Partial<Edition> = {},
): Promise<Edition> {
  const repo = dataSource.getRepository(Edition);
  return repo.save(repo.create({ campaignId: campaign.id, periodKey, ...fields }));
}
