import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '@touchbase/campaigns';
import { TemplatesModule } from '@touchbase/templates';
import { ExperimentRun } from './entities/experiment-run.entity';
import { Experiment } from './entities/experiment.entity';
import { ExperimentsController } from './experiments.controller';
import { ExperimentsJob } from './experiments.job';
import { ExperimentsService } from './experiments.service';

/** A/B tests without HTTP: for the planner, the dispatcher and the job. */
@Module({
  imports: [TypeOrmModule.forFeature([Experiment, ExperimentRun]), CampaignsModule, TemplatesModule],
  providers: [ExperimentsService],
  exports: [ExperimentsService],
})
export class ExperimentsModule {}

/** The API: a campaign's or a run's A/B test, and a run's results. */
@Module({ imports: [ExperimentsModule], controllers: [ExperimentsController] })
export class ExperimentsApiModule {}

/** The worker side: deciding tests at the end of their window. Needs ScheduleModule.forRoot() in the app. */
@Module({ imports: [ExperimentsModule], providers: [ExperimentsJob] })
export class ExperimentsJobsModule {}
