import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '@touchbase/campaigns';
import { CampaignRunsArchiveHook } from './campaign-runs-archive.hook';
import { Delivery } from './entities/delivery.entity';
import { Run } from './entities/run.entity';
import { RunCancelHooks } from './run-cancel.hooks';
import { RunCancellationService } from './run-cancellation.service';

/** Runs and deliveries: their entities, statuses and writes; other libraries go through this one. */
@Module({
  imports: [TypeOrmModule.forFeature([Run, Delivery]), CampaignsModule],
  providers: [RunCancelHooks, RunCancellationService, CampaignRunsArchiveHook],
  exports: [RunCancelHooks, RunCancellationService, TypeOrmModule],
})
export class RunsModule {}
