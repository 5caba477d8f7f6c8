import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { HttpMetricsInterceptor } from './http-metrics.interceptor';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { WorkerMetricsServer } from './worker-metrics.server';

/** The registry, for every process (workers register their own metrics in it). */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}

/** `/metrics` and HTTP request metrics, for the API. */
@Module({
  controllers: [MetricsController],
  providers: [{ provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor }],
})
export class MetricsApiModule {}

/** GET /metrics of a worker process, on WORKER_METRICS_PORT when set (the worker app only). */
@Module({ providers: [WorkerMetricsServer] })
export class WorkerMetricsModule {}
