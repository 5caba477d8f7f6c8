import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientHooksModule } from './client.hooks';
import { ClientsController } from './clients.controller';
import { ClientsService } from './clients.service';
import { Client } from './entities/client.entity';
import { CategoryHistoryEntry, StageHistoryEntry } from './entities/stage-history-entry.entity';
import { TimelineService } from './timeline.service';

@Module({
  imports: [TypeOrmModule.forFeature([Client, StageHistoryEntry, CategoryHistoryEntry]), ClientHooksModule],
  providers: [ClientsService, TimelineService],
  exports: [ClientsService, TimelineService, TypeOrmModule],
})
export class ClientsModule {}

@Module({
  imports: [ClientsModule],
  controllers: [ClientsController],
})
export class ClientsApiModule {}
