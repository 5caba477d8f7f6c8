import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '@touchbase/idempotency';
import { ClientHooksModule } from './client.hooks';
import { ClientSyncService } from './client-sync.service';
import { ClientsController } from './clients.controller';
import { ClientsService } from './clients.service';
import { Client } from './entities/client.entity';
import { CategoryHistoryEntry, StageHistoryEntry } from './entities/stage-history-entry.entity';
import { TimelineService } from './timeline.service';

@Module({
  imports: [TypeOrmModule.forFeature([Client, StageHistoryEntry, CategoryHistoryEntry]), ClientHooksModule],
  providers: [ClientsService, TimelineService, ClientSyncService],
  exports: [ClientsService, TimelineService, ClientSyncService, TypeOrmModule],
})
export class ClientsModule {}

@Module({
  imports: [ClientsModule, IdempotencyModule],
  controllers: [ClientsController],
})
export class ClientsApiModule {}
