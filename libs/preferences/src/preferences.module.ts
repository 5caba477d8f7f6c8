import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientHooksModule } from '@touchbase/clients';
import { ClientPreferences } from './entities/client-preferences.entity';
import { ClientTopicSubscription } from './entities/client-topic-subscription.entity';
import { ConsentLogEntry } from './entities/consent-log-entry.entity';
import { Topic } from './entities/topic.entity';
import { PreferencesController, TopicsController } from './preferences.controller';
import { PreferencesDataExportHook } from './preferences-data-export.hook';
import { PreferencesErasureHook } from './preferences-erasure.hook';
import { PreferencesService } from './preferences.service';
import { TopicsService } from './topics.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Topic, ClientPreferences, ClientTopicSubscription, ConsentLogEntry]),
    ClientHooksModule,
  ],
  providers: [PreferencesService, TopicsService, PreferencesErasureHook, PreferencesDataExportHook],
  exports: [PreferencesService, TopicsService],
})
export class PreferencesModule {}

@Module({
  imports: [PreferencesModule],
  controllers: [PreferencesController, TopicsController],
})
export class PreferencesApiModule {}
