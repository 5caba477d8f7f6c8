import { DataSource } from 'typeorm';
import { Campaign, CampaignKind, CampaignStatus, Priority } from '@touchbase/campaigns';
import { Channel } from '@touchbase/core';
import { Run, RunStatus } from '@touchbase/runs';

let seq = 0;

export async function createCampaign(
  dataSource: DataSource,
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

export async function createRun(
  dataSource: DataSource,
  campaign: Campaign,
  occurrenceAt: Date,
  periodKey = occurrenceAt.toISOString(),
): Promise<Run> {
  const repo = dataSource.getRepository(Run);
  return repo.save(
    repo.create({ campaignId: campaign.id, periodKey, occurrenceAt, status: RunStatus.Planned }),
  );
}

/** A past touch of a client (an already sent delivery of another run). */
export async function createTouch(
  dataSource: DataSource,
  clientId: string,
  scheduledAt: Date,
  extra: { channel?: Channel; status?: string; priority?: number; countsAsTouch?: boolean } = {},
): Promise<string> {
  const campaign = await createCampaign(dataSource, { status: CampaignStatus.Archived });
  const run = await createRun(dataSource, campaign, scheduledAt);
  const [row] = await dataSource.query(
    `INSERT INTO deliveries (run_id, campaign_id, client_id, channel, status, priority, counts_as_touch, scheduled_at, due_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
    [
      run.id,
      campaign.id,
      clientId,
      extra.channel ?? Channel.Email,
      extra.status ?? 'sent',
      extra.priority ?? 0,
      extra.countsAsTouch ?? true,
      scheduledAt,
    ],
  );
  return String(row.id);
}
