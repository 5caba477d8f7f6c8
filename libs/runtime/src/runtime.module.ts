import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ConfigModule, Environment } from '@touchbase/config';
import { DatabaseModule } from '@touchbase/database';
import { HeartbeatModule } from '@touchbase/health';
import { LoggingModule } from '@touchbase/http';
import { MetricsModule } from '@touchbase/metrics';

export interface RuntimeOptions {
  env: Environment;
  databaseUrl: string;
  /** Shown in pg_stat_activity. */
  applicationName: string;
}

/** What every process needs: validated config, logs, metrics registry, database (migrated). */
@Module({})
export class RuntimeModule {
  static forRoot(options: RuntimeOptions): DynamicModule {
    return {
      module: RuntimeModule,
      imports: [
        ConfigModule.forRoot(options.env),
        LoggingModule,
        MetricsModule,
        DatabaseModule.forRoot({ url: options.databaseUrl, applicationName: options.applicationName }),
      ],
    };
  }
}

/** Everything the worker runs: scheduled jobs, and (in later modules) planner and dispatchers. */
@Module({
  imports: [ScheduleModule.forRoot(), HeartbeatModule],
})
export class WorkerJobsModule {}
