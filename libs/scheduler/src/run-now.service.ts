import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  CampaignsService,
  CampaignStatus,
  currentPeriodKey,
  EditionsService,
  isPeriodKeyOf,
} from '@touchbase/campaigns';
import { ConflictException, ValidationException } from '@touchbase/core';
import { PlannerService } from '@touchbase/planning';
import { createRun, Run, RunStatus, RunTrigger } from '@touchbase/runs';
import { RunNowDto } from './dto/run-now.dto';
import { SchedulerService } from './scheduler.service';

export interface RunNowResult {
  run: Run;
  /** The edition the run sends (runs.edition_key; dispatch falls back to the period key). */
  editionPeriodKey: string | null;
}

/** "Run now": a manual run of a campaign outside its schedule, planned at once. */
@Injectable()
export class RunNowService {
  private readonly logger = new Logger('RunNow');

  constructor(
    private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly editions: EditionsService,
    private readonly planner: PlannerService,
    private readonly scheduler: SchedulerService,
  ) {}

  async runNow(campaignId: string, dto: RunNowDto, actor?: string, now = new Date()): Promise<RunNowResult> {
    const { runId, editionPeriodKey, name } = await this.dataSource.transaction(async (manager) => {
      // Kept from being archived or changed until the run exists.
      await manager.query(`SELECT 1 FROM campaigns WHERE id = $1 FOR SHARE`, [campaignId]);
      const campaign = await this.campaigns.get(campaignId, manager);
      if (campaign.status === CampaignStatus.Archived) {
        throw new ConflictException('An archived campaign cannot run', { status: campaign.status });
      }
      await this.campaigns.assertCanRun(campaign, manager, 'run', {
        confirmUnsigned: dto.confirmUnsigned ?? false,
      });
      let key: string | null = null;
      if (dto.periodKey !== undefined) {
        if (!isPeriodKeyOf(campaign.schedule, campaign.timeZone, dto.periodKey)) {
          throw new ValidationException(`"${dto.periodKey}" is not a period of this campaign's schedule`, [
            { field: 'periodKey', messages: [`no period of the schedule is named ${dto.periodKey}`] },
          ]);
        }
        key = dto.periodKey;
      } else if (campaign.requiresEdition) {
        key = currentPeriodKey(campaign.schedule, campaign.timeZone, now);
        if (key === null) {
          throw new ConflictException('edition missing: the schedule has no current period; give periodKey', {
            requiresEdition: true,
          });
        }
      }
      if (key !== null && !(await this.editions.exists(campaign.id, key, manager))) {
        throw new ConflictException(`edition missing: the campaign has no edition for ${key}`, {
          periodKey: key,
        });
      }
      const message = [`run now${actor ? ` by ${actor}` : ''}`, key && `edition ${key}`]
        .filter(Boolean)
        .join('; ');
      // Created already claimed (planning), so no scheduler takes it while this request plans it.
      const id = await createRun(manager, {
        campaignId: campaign.id,
        periodKey: `manual-${now.toISOString()}`,
        occurrenceAt: now,
        status: RunStatus.Planning,
        trigger: RunTrigger.Manual,
        message,
        editionKey: key,
      });
      return { runId: id, editionPeriodKey: key, name: campaign.name };
    });
    this.logger.log(
      `Created manual run ${runId} for '${name}'${editionPeriodKey ? ` (edition ${editionPeriodKey})` : ''}`,
    );
    try {
      await this.planner.plan(runId, { now });
    } catch (e) {
      this.logger.error(`Manual run ${runId} planning failed: ${(e as Error).message}`, (e as Error).stack);
      await this.scheduler.markFailed(runId, `planning failed: ${(e as Error).message}`);
    }
    const run = await this.dataSource.getRepository(Run).findOneByOrFail({ id: runId });
    return { run, editionPeriodKey };
  }
}
