import { DynamicModule, Module } from '@nestjs/common';
import { WorkerMetricsModule } from '@touchbase/metrics';
import { RuntimeModule, RuntimeOptions, WorkerJobsModule } from '@touchbase/runtime';

@Module({})
export class WorkerModule {
  static register(options: Omit<RuntimeOptions, 'applicationName'>): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        RuntimeModule.forRoot({ ...options, applicationName: 'touchbase-worker' }),
        WorkerJobsModule,
        WorkerMetricsModule,
      ],
    };
  }
}
