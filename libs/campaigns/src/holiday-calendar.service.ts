import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ValidationException } from '@touchbase/core';
import { SettingsService } from '@touchbase/settings';
import {
  BusinessCalendar,
  checkHolidayCalendar,
  HOLIDAY_CALENDAR_KEY,
  HolidayCalendar,
  RUSSIAN_PRODUCTION_CALENDAR,
} from './business-calendar';

/** The workspace's holiday calendar: the Russian production calendar until an admin replaces it. */
@Injectable()
export class HolidayCalendarService {
  constructor(private readonly settings: SettingsService) {}

  document(manager?: EntityManager): Promise<HolidayCalendar> {
    return this.settings.get<HolidayCalendar>(HOLIDAY_CALENDAR_KEY, RUSSIAN_PRODUCTION_CALENDAR, manager);
  }

  async get(manager?: EntityManager): Promise<BusinessCalendar> {
    return new BusinessCalendar(await this.document(manager));
  }

  /** Replaces the calendar; it applies to what is scheduled and planned from now on. */
  set(input: HolidayCalendar, actorId?: string): Promise<HolidayCalendar> {
    const { calendar, problems } = checkHolidayCalendar(input);
    if (problems.length > 0) {
      throw new ValidationException(
        `The holiday calendar is invalid: ${problems.map((p) => p.field).join(', ')}`,
        problems,
      );
    }
    return this.settings.set(HOLIDAY_CALENDAR_KEY, calendar, actorId);
  }
}
