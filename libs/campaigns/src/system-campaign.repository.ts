import { EntityManager } from 'typeorm';
import { Channel } from '@touchbase/core';
import { CampaignKind, CampaignStatus, Priority } from './campaign.enums';
import type { CampaignTemplates } from './entities/campaign.entity';

/**
 * A campaign the system plans runs of itself (never scheduled: archived), found by its key. What it
 * sends is kept as `definition` says, so an older installation's copy follows the current one.
 */
export interface SystemCampaign {
  key: string;
  name: string;
  description: string;
  kind: CampaignKind;
  topicKey: string;
  channels: Channel[];
  templates: CampaignTemplates;
  priority: Priority;
  deadlineHours: number;
}

/** The system campaign's id, created (or brought up to its definition) in `manager`'s transaction. */
export async function ensureSystemCampaign(
  manager: EntityManager,
  campaign: SystemCampaign,
  timeZone: string,
): Promise<string | null> {
  const values = [
    campaign.kind,
    campaign.topicKey,
    campaign.channels,
    JSON.stringify(campaign.templates),
    campaign.priority,
    campaign.deadlineHours,
    campaign.key,
  ];
  const [updated]: [{ id: string }[], number] = await manager.query(
    `UPDATE campaigns SET kind = $1, topic_key = $2, channels = $3::text[], templates = $4::jsonb, priority = $5,
            deadline_hours = $6, updated_at = now()
      WHERE playbook_key = $7 RETURNING id`,
    values,
  );
  if (updated[0]) return updated[0].id;
  const inserted: { id: string }[] = await manager.query(
    `INSERT INTO campaigns (kind, topic_key, channels, templates, priority, deadline_hours, playbook_key, name,
                            description, status, schedule, time_zone)
     VALUES ($1, $2, $3::text[], $4::jsonb, $5, $6, $7, $8, $9, '${CampaignStatus.Archived}',
             '{"type": "once", "at": "2026-01-01T00:00"}', $10)
     ON CONFLICT DO NOTHING RETURNING id`,
    [...values, campaign.name, campaign.description, timeZone],
  );
  return inserted[0]?.id ?? null;
}
