import { Module } from '@nestjs/common';
import { CallsModule } from '@touchbase/calls';
import { ClientHooksModule } from '@touchbase/clients';
import { CampaignsModule } from '@touchbase/campaigns';
import { PlanningModule } from '@touchbase/planning';
import { SegmentsModule } from '@touchbase/segments';
import { OverviewController } from './overview/overview.controller';
import { OverviewService } from './overview/overview.service';
import { HoldoutReportService } from './holdout/holdout-report.service';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';
import { VipCoolingJob } from './vip-cooling.job';
import { VipCoolingService } from './vip-cooling.service';
import { VipCoolingDataExportHook } from './vip-cooling-data-export.hook';

/** The reports and the VIP cooling pass, without HTTP. */
@Module({
  imports: [SegmentsModule, PlanningModule, ClientHooksModule],
  providers: [ReportsService, VipCoolingService, HoldoutReportService, VipCoolingDataExportHook],
  exports: [ReportsService, VipCoolingService, HoldoutReportService],
})
export class ReportsModule {}

/** The API side: /api/v1/reports and the console's /api/v1/overview. */
@Module({
  imports: [ReportsModule, PlanningModule, CampaignsModule, CallsModule],
  controllers: [ReportsController, OverviewController],
  providers: [OverviewService],
})
export class ReportsApiModule {}

/** The worker side: the daily VIP cooling pass. Needs ScheduleModule.forRoot() in the app. */
@Module({
  imports: [ReportsModule],
  providers: [VipCoolingJob],
})
export class ReportsJobsModule {}
