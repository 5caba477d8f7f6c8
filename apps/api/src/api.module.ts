import { DynamicModule, Module } from '@nestjs/common';
import { HealthModule } from '@touchbase/health';
import { HttpPlatformModule } from '@touchbase/http';
import { MetricsApiModule } from '@touchbase/metrics';
import { RuntimeModule, RuntimeOptions, WorkerJobsModule } from '@touchbase/runtime';
import { StaffApiModule } from '@touchbase/staff';

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
        }),
        HttpPlatformModule,
        MetricsApiModule,
        HealthModule,
        StaffApiModule,
        ...(options.withWorker ? [WorkerJobsModule] : []),
      ],
    };
  }
}
