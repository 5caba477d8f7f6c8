import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarController } from './calendar.controller';
import { CalendarService } from './calendar.service';
import { CampaignArchiveHooks } from './campaign-archive.hooks';
import { CampaignChecksService } from './campaign-checks.service';
import { CampaignsController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';
import { EditionsService } from './editions.service';
import { Campaign } from './entities/campaign.entity';
import { Edition } from './entities/edition.entity';
import { PlaybookService } from './playbook.service';

/** Campaigns, editions and the calendar, without HTTP: for the scheduler and other libraries. */
@Module({
  imports: [TypeOrmModule.forFeature([Campaign, Edition])],
  providers: [
    CampaignsService,
    CampaignChecksService,
    EditionsService,
    CalendarService,
    CampaignArchiveHooks,
  ],
  exports: [
    CampaignsService,
    CampaignChecksService,
    EditionsService,
    CalendarService,
    CampaignArchiveHooks,
    TypeOrmModule,
  ],
})
export class CampaignsModule {}

/** The admin API (campaigns, editions, calendar), and the playbook programs proposed at start. */
@Module({
  imports: [CampaignsModule],
  controllers: [CampaignsController, CalendarController],
  providers: [PlaybookService],
})
export class CampaignsApiModule {}
