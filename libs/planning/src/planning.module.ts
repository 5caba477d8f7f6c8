import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Campaign, CampaignsModule, HolidayCalendarModule } from '@touchbase/campaigns';
import { ExperimentsModule } from '@touchbase/experiments';
import { Segment } from '@touchbase/segments';
import { Delivery, Run, RunsModule } from '@touchbase/runs';
import { ExplainService } from './explain.service';
import { FrequencyPolicyService } from './frequency-policy.service';
import { PlanAudiences } from './plan-audiences';
import { PlannerService } from './planner.service';
import { FrequencyPolicyController, RunsController, SimulationsController } from './runs.controller';
import { SimulationService } from './simulation.service';
import { RunsService } from './runs.service';
import { RunProgressController } from './run-progress.controller';
import { RunProgressService } from './run-progress.service';
import { CalendarBoardController } from './calendar-board.controller';
import { CalendarBoardService } from './calendar-board.service';
import { ControlGroupService } from './holdouts/control-group.service';
import { ControlGroupController } from './holdouts/control-group.controller';
import { RunEngagementController, RunEngagementService } from './run-engagement';

/** The planner, runs and the frequency policy, without HTTP (the worker uses this). */
@Module({
  imports: [
    TypeOrmModule.forFeature([Run, Delivery, Campaign, Segment]),
    RunsModule,
    HolidayCalendarModule,
    ExperimentsModule,
  ],
  providers: [
    PlannerService,
    PlanAudiences,
    FrequencyPolicyService,
    RunsService,
    ExplainService,
    SimulationService,
    RunProgressService,
    ControlGroupService,
  ],
  exports: [
    ControlGroupService,
    PlannerService,
    PlanAudiences,
    FrequencyPolicyService,
    RunsService,
    ExplainService,
    SimulationService,
    RunProgressService,
    TypeOrmModule,
  ],
})
export class PlanningModule {}

@Module({
  imports: [PlanningModule, CampaignsModule],
  providers: [CalendarBoardService, RunEngagementService],
  controllers: [
    RunsController,
    RunEngagementController,
    RunProgressController,
    FrequencyPolicyController,
    SimulationsController,
    CalendarBoardController,
    ControlGroupController,
  ],
})
export class PlanningApiModule {}
