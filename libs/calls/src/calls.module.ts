import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HolidayCalendarModule } from '@touchbase/campaigns';
import { ClientHooksModule } from '@touchbase/clients';
import { PlanningModule } from '@touchbase/planning';
import { RunsModule } from '@touchbase/runs';
import { TemplatesModule } from '@touchbase/templates';
import { CallHandler } from './call.handler';
import { CallTasksController } from './call-tasks.controller';
import { CallTasksOwnerChangeHook } from './call-tasks-owner-change.hook';
import { CallTasksDataExportHook } from './call-tasks-data-export.hook';
import { CallTasksRunCancelHook } from './call-tasks-run-cancel.hook';
import { CallTasksService } from './call-tasks.service';
import { CallTask } from './entities/call-task.entity';

/** Call tasks and their outcomes, without HTTP. */
@Module({
  imports: [
    TypeOrmModule.forFeature([CallTask]),
    PlanningModule,
    RunsModule,
    HolidayCalendarModule,
    ClientHooksModule,
  ],
  providers: [CallTasksService, CallTasksRunCancelHook, CallTasksOwnerChangeHook, CallTasksDataExportHook],
  exports: [CallTasksService, TypeOrmModule],
})
export class CallsModule {}

/** The worker side: the call channel's handler, found by the dispatcher through @HandlesChannel. */
@Module({
  imports: [CallsModule, TemplatesModule],
  providers: [CallHandler],
  exports: [CallHandler],
})
export class CallsWorkerModule {}

/** The API side: /api/v1/call-tasks. */
@Module({
  imports: [CallsModule],
  controllers: [CallTasksController],
})
export class CallsApiModule {}
