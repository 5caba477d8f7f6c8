import { DynamicModule, Module } from '@nestjs/common';
import { CallsApiModule } from '@touchbase/calls';
import { CampaignsApiModule } from '@touchbase/campaigns';
import { ClassificationModule } from '@touchbase/classification';
import { ClientsApiModule } from '@touchbase/clients';
import { DeliverabilityApiModule } from '@touchbase/deliverability';
import { SuppressionApiModule } from '@touchbase/suppression';
import { EmailApiModule } from '@touchbase/email';
import { ExperimentsApiModule } from '@touchbase/experiments';
import { HealthModule } from '@touchbase/health';
import { HttpPlatformModule, REQUEST_LOGGING } from '@touchbase/http';
import { MetricsApiModule } from '@touchbase/metrics';
import { RuntimeModule, RuntimeOptions, WorkerJobsModule } from '@touchbase/runtime';
import { ImportsModule } from '@touchbase/imports';
import { LettersApiModule } from '@touchbase/letters';
import { ShortLinksApiModule } from '@touchbase/links';
import { PlanningApiModule } from '@touchbase/planning';
import { PortalModule } from '@touchbase/portal';
import { PreferencesApiModule } from '@touchbase/preferences';
import { ReportsApiModule } from '@touchbase/reports';
import { SchedulerApiModule } from '@touchbase/scheduler';
import { SegmentsApiModule } from '@touchbase/segments';
import { SettingsModule } from '@touchbase/settings';
import { SmsApiModule } from '@touchbase/sms';
import { StaffApiModule } from '@touchbase/staff';
import { TemplatesApiModule } from '@touchbase/templates';
import { WebhooksApiModule } from '@touchbase/webhooks';

export interface ApiModuleOptions extends Omit<RuntimeOptions, 'applicationName'> {
  /** All-in-one mode: run the worker's jobs in this process too. */
  withWorker?: boolean;
}

@Module({})
export class ApiModule {
  static register(options: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        RuntimeModule.forRoot({
          ...options,
          applicationName: options.withWorker ? 'touchbase' : 'touchbase-api',
          requestLogging: REQUEST_LOGGING,
        }),
        HttpPlatformModule,
        MetricsApiModule,
        HealthModule,
        StaffApiModule,
        SettingsModule,
        ClientsApiModule,
        PreferencesApiModule,
        ClassificationModule,
        SegmentsApiModule,
        ImportsModule,
        PlanningApiModule,
        TemplatesApiModule,
        CampaignsApiModule,
        SchedulerApiModule,
        EmailApiModule,
        DeliverabilityApiModule,
        SuppressionApiModule,
        SmsApiModule,
        CallsApiModule,
        ShortLinksApiModule,
        LettersApiModule,
        PortalModule,
        ReportsApiModule,
        ExperimentsApiModule,
        WebhooksApiModule,
        ...(options.withWorker ? [WorkerJobsModule] : []),
      ],
    };
  }
}
