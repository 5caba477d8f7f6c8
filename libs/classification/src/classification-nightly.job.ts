import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { SettingsService } from '@touchbase/settings';
import { ClassificationService, RecomputeResult } from './classification.service';
import { CLASSIFICATION_NIGHTLY_LOCK } from './classification.sql';

/** When the whole base is reclassified: every night at 03:00 in the workspace time zone. */
export const CLASSIFICATION_CRON = '0 3 * * *';
const JOB_NAME = 'classification-nightly';
// The last night that was run, so a worker whose clock is late does not run it a second time.
const LAST_RUN_KEY = 'classification-nightly-run';

interface LastRun {
  night: string | null;
  finishedAt?: string;
  result?: RecomputeResult;
}

/** The nightly recompute: with N workers it runs once a night (advisory lock + last-run marker). */
@Injectable()
export class ClassificationNightlyJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ClassificationNightly');

  constructor(
    private readonly classification: ClassificationService,
    private readonly settings: SettingsService,
    private readonly dataSource: DataSource,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Registered here rather than with @Cron: the time zone is configuration, known only at run time.
    const job = CronJob.from({
      cronTime: CLASSIFICATION_CRON,
      onTick: () => void this.runNightly(),
      timeZone: this.config.workspace.timeZone,
      start: true,
    });
    this.scheduler.addCronJob(JOB_NAME, job);
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('cron', JOB_NAME)) this.scheduler.deleteCronJob(JOB_NAME);
  }

  /**
   * Runs the recompute for the night `now` falls in, unless another worker holds the lock or has
   * already done it. Returns the counts, or null when skipped. Never throws: the next night retries.
   */
  async runNightly(now = new Date()): Promise<RecomputeResult | null> {
    const night = DateTime.fromJSDate(now, { zone: this.config.workspace.timeZone }).toISODate();
    try {
      return await this.dataSource.transaction(async (manager) => {
        const [{ locked }]: { locked: boolean }[] = await manager.query(
          `SELECT pg_try_advisory_xact_lock($1) AS locked`,
          [CLASSIFICATION_NIGHTLY_LOCK],
        );
        if (!locked) return null;
        const last = await this.settings.get<LastRun>(LAST_RUN_KEY, { night: null }, manager);
        if (last.night === night) return null;
        const result = await this.classification.recompute({}, manager);
        await this.settings.set<LastRun>(
          LAST_RUN_KEY,
          { night, finishedAt: new Date().toISOString(), result },
          undefined,
          manager,
        );
        return result;
      });
    } catch (e) {
      this.logger.error(`Nightly classification failed: ${(e as Error).message}`, (e as Error).stack);
      return null;
    }
  }
}
