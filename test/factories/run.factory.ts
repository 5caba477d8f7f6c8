import { DataSource, EntityManager } from 'typeorm';
import { Campaign } from '@touchbase/campaigns';
import { Run, RunStatus } from '@touchbase/runs';

/** A run of the campaign for one occurrence (planned unless told otherwise). */
export async function createRun(
  dataSource: DataSource | EntityManager,
  campaign: Pick<Campaign, 'id'>,
  occurrenceAt: Date,
  periodKey = occurrenceAt.toISOString(),
  status: RunStatus = RunStatus.Planned,
): Promise<Run> {
  const repo = dataSource.getRepository(Run);
  return repo.save(repo.create({ campaignId: campaign.id, periodKey, occurrenceAt, status }));
}
