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
import { HolidayCalendarController } from './holiday-calendar.controller';
import { HolidayCalendarService } from './holiday-calendar.service';
import { PlaybookService } from './playbook.service';
import { SchedulePreviewController } from './schedule-preview.controller';

/** The workspace's holiday calendar (business days), for schedules, planning and call tasks. */
@Module({
  providers: [HolidayCalendarService],
  exports: [HolidayCalendarService],
})
export class HolidayCalendarModule {}

/** Campaigns, editions and the calendar, without HTTP: for the scheduler and other libraries. */
@Module({
  imports: [TypeOrmModule.forFeature([Campaign, Edition]), HolidayCalendarModule],
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
    HolidayCalendarModule,
  ],
})
export class CampaignsModule {}

/** The admin API (campaigns, editions, calendars), and the playbook programs proposed at start. */
@Module({
  imports: [CampaignsModule],
  controllers: [
    CampaignsController,
    CalendarController,
    HolidayCalendarController,
    SchedulePreviewController,
  ],
  providers: [PlaybookService],
})
export class CampaignsApiModule {}
