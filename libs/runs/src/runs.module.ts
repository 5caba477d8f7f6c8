import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '@touchbase/campaigns';
import { ClientHooksModule } from '@touchbase/clients';
import { CampaignRunsArchiveHook } from './campaign-runs-archive.hook';
import { DeliveriesDataExportHook } from './deliveries-data-export.hook';
import { Delivery } from './entities/delivery.entity';
import { Run } from './entities/run.entity';
import { RunCancelHooks } from './run-cancel.hooks';
import { RunCancellationService } from './run-cancellation.service';

/** Runs and deliveries: their entities, statuses and writes; other libraries go through this one. */
@Module({
  imports: [TypeOrmModule.forFeature([Run, Delivery]), CampaignsModule, ClientHooksModule],
  providers: [RunCancelHooks, RunCancellationService, CampaignRunsArchiveHook, DeliveriesDataExportHook],
  exports: [RunCancelHooks, RunCancellationService, TypeOrmModule],
})
export class RunsModule {}
