import { DynamicModule, Module } from '@nestjs/common';
import { CallsWorkerModule } from '@touchbase/calls';
import { CampaignsModule, PlaybookService } from '@touchbase/campaigns';
import { ClassificationCoreModule } from '@touchbase/classification';
import { DispatchModule } from '@touchbase/dispatch';
import { EmailModule } from '@touchbase/email';
import { ImportsModule } from '@touchbase/imports';
import { LettersWorkerModule } from '@touchbase/letters';
import { ReportsModule } from '@touchbase/reports';
import { RuntimeModule, RuntimeOptions } from '@touchbase/runtime';
import { SchedulerModule } from '@touchbase/scheduler';
import { SmsModule } from '@touchbase/sms';
import { StaffModule } from '@touchbase/staff';
import { TemplateLoaderService, TemplatesModule } from '@touchbase/templates';
import { DemoLoaderService } from './demo-loader.service';
import { DemoMonthService } from './demo-month.service';
import { DemoSummaryService } from './demo-summary.service';

/**
 * `npm run demo`: what a first start does (default templates, playbook programs), the import,
 * classification, the scheduler and planner driven on a simulated clock, and the real dispatchers
 * with every channel's handler. No timers: the scheduler ticks only when the demo says so.
 */
@Module({})
export class DemoModule {
  static register(options: Omit<RuntimeOptions, 'applicationName'>): DynamicModule {
    return {
      module: DemoModule,
      imports: [
        RuntimeModule.forRoot({ ...options, applicationName: 'touchbase-demo' }),
        StaffModule,
        ImportsModule,
        ClassificationCoreModule,
        CampaignsModule,
        TemplatesModule,
        SchedulerModule,
        DispatchModule,
        EmailModule,
        SmsModule,
        CallsWorkerModule,
        LettersWorkerModule,
        ReportsModule,
      ],
      providers: [
        TemplateLoaderService,
        PlaybookService,
        DemoLoaderService,
        DemoMonthService,
        DemoSummaryService,
      ],
    };
  }
}
