import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { AppConfig } from '@touchbase/config';
import { VipCoolingPassResult, VipCoolingService } from './vip-cooling.service';

const JOB_NAME = 'vip-cooling';

/** Runs the VIP cooling pass daily (VIP_COOLING_CRON in the workspace zone); repeated runs change nothing. */
@Injectable()
export class VipCoolingJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('VipCooling');

  constructor(
    private readonly cooling: VipCoolingService,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Registered here rather than with @Cron: time and zone are configuration, known only at run time.
    const job = CronJob.from({
      cronTime: this.config.reports.vipCoolingCron,
      onTick: () => void this.runDaily(),
      timeZone: this.config.workspace.timeZone,
      start: true,
    });
    this.scheduler.addCronJob(JOB_NAME, job);
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('cron', JOB_NAME)) this.scheduler.deleteCronJob(JOB_NAME);
  }

  /** Never throws: tomorrow's run retries. */
  async runDaily(now = new Date()): Promise<VipCoolingPassResult | null> {
    try {
      return await this.cooling.run(now);
    } catch (e) {
      this.logger.error(`VIP cooling failed: ${(e as Error).message}`, (e as Error).stack);
      return null;
    }
  }
}
