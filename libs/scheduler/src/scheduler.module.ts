import { Module } from '@nestjs/common';
import { CampaignsModule } from '@touchbase/campaigns';
import { PlanningModule } from '@touchbase/planning';
import { CampaignRunsController } from './campaign-runs.controller';
import { RunNowService } from './run-now.service';
import { SchedulerJob } from './scheduler.job';
import { SchedulerService } from './scheduler.service';

/** The scheduler and run-now, without timers or HTTP (tests drive the tick directly). */
@Module({
  imports: [CampaignsModule, PlanningModule],
  providers: [SchedulerService, RunNowService],
  exports: [SchedulerService, RunNowService],
})
export class SchedulerModule {}

/** The worker side: the interval tick. Needs ScheduleModule.forRoot() in the app. */
@Module({
  imports: [SchedulerModule],
  providers: [SchedulerJob],
})
export class SchedulerJobsModule {}

/** The API side: POST /api/v1/campaigns/:id/runs (run now). */
@Module({
  imports: [SchedulerModule],
  controllers: [CampaignRunsController],
})
export class SchedulerApiModule {}
