import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ExperimentsModule } from '@touchbase/experiments';
import { TemplatesModule } from '@touchbase/templates';
import { DispatchMetrics } from './dispatch-metrics';
import { DispatcherService } from './dispatcher.service';
import { MessagePreparerService } from './message-preparer.service';

/** Dispatch metrics, for every process that serves /metrics. */
@Module({ providers: [DispatchMetrics], exports: [DispatchMetrics] })
export class DispatchMetricsModule {}

/**
 * The dispatchers (worker side). Channel handlers come from the channel modules the worker imports;
 * the dispatcher finds them by their `@HandlesChannel()` mark.
 */
@Module({
  imports: [DiscoveryModule, TemplatesModule, DispatchMetricsModule, ExperimentsModule],
  providers: [MessagePreparerService, DispatcherService],
  exports: [DispatcherService, MessagePreparerService],
})
export class DispatchModule {}
