import { Module } from '@nestjs/common';
import { PlanningModule } from '@touchbase/planning';
import { SegmentsModule } from '@touchbase/segments';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';
import { VipCoolingJob } from './vip-cooling.job';
import { VipCoolingService } from './vip-cooling.service';

/** The reports and the VIP cooling pass, without HTTP. */
@Module({
  imports: [SegmentsModule, PlanningModule],
  providers: [ReportsService, VipCoolingService],
  exports: [ReportsService, VipCoolingService],
})
export class ReportsModule {}

/** The API side: /api/v1/reports. */
@Module({
  imports: [ReportsModule],
  controllers: [ReportsController],
})
export class ReportsApiModule {}

/** The worker side: the daily VIP cooling pass. Needs ScheduleModule.forRoot() in the app. */
@Module({
  imports: [ReportsModule],
  providers: [VipCoolingJob],
})
export class ReportsJobsModule {}
