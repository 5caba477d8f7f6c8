import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import type { Options as RequestLogging } from 'pino-http';
import { CallsWorkerModule } from '@touchbase/calls';
import { ClassificationJobsModule } from '@touchbase/classification';
import { ConfigModule, Environment } from '@touchbase/config';
import { DatabaseModule } from '@touchbase/database';
import { DeliverabilityWorkerModule } from '@touchbase/deliverability';
import { DispatchModule } from '@touchbase/dispatch';
import { EmailModule } from '@touchbase/email';
import { ExperimentsJobsModule } from '@touchbase/experiments';
import { HeartbeatModule } from '@touchbase/health';
import { LettersWorkerModule } from '@touchbase/letters';
import { LinksModule } from '@touchbase/links';
import { MetricsModule } from '@touchbase/metrics';
import { ReportsJobsModule } from '@touchbase/reports';
import { SchedulerJobsModule } from '@touchbase/scheduler';
import { SettingsModule } from '@touchbase/settings';
import { SmsModule, SmsWorkerModule } from '@touchbase/sms';
import { WebhooksWorkerModule } from '@touchbase/webhooks';
import { LoggingModule } from './logging.module';

export interface RuntimeOptions {
  env: Environment;
  databaseUrl: string;
  /** Shown in pg_stat_activity. */
  applicationName: string;
  /** How an HTTP app logs its requests (libs/http's REQUEST_LOGGING); none in the worker. */
  requestLogging?: RequestLogging;
}

/** What every process needs: validated config, logs, metrics registry, database (migrated). */
@Module({})
export class RuntimeModule {
  static forRoot(options: RuntimeOptions): DynamicModule {
    return {
      module: RuntimeModule,
      imports: [
        ConfigModule.forRoot(options.env),
        LoggingModule.forRoot(options.requestLogging),
        MetricsModule,
        LinksModule,
        SettingsModule,
        DatabaseModule.forRoot({ url: options.databaseUrl, applicationName: options.applicationName }),
      ],
    };
  }
}

/** Everything the worker runs: scheduled jobs, and (in later modules) planner and dispatchers. */
@Module({
  imports: [
    ScheduleModule.forRoot(),
    HeartbeatModule,
    ClassificationJobsModule,
    SchedulerJobsModule,
    DispatchModule,
    EmailModule,
    DeliverabilityWorkerModule,
    SmsModule,
    SmsWorkerModule,
    CallsWorkerModule,
    LettersWorkerModule,
    ReportsJobsModule,
    ExperimentsJobsModule,
    WebhooksWorkerModule,
  ],
})
export class WorkerJobsModule {}
