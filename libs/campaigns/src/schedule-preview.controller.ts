import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DateTime } from 'luxon';
import { AppConfig } from '@touchbase/config';
import { AnyStaff, FieldError, ValidationException } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import {
  SCHEDULE_PREVIEW_COUNT,
  SchedulePreviewDto,
  SchedulePreviewRequestDto,
} from './dto/schedule-preview.dto';
import { HolidayCalendarService } from './holiday-calendar.service';
import {
  checkSchedule,
  describeSchedule,
  isValidTimeZone,
  localTime,
  nextOccurrences,
  periodKey,
  scheduleRRule,
} from './schedule';

@ApiTags('campaigns')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/schedules')
export class SchedulePreviewController {
  constructor(
    private readonly config: AppConfig,
    private readonly holidays: HolidayCalendarService,
  ) {}

  @Post('preview')
  @HttpCode(200)
  @AnyStaff()
  @ApiOperation({
    summary: `The next ${SCHEDULE_PREVIEW_COUNT} occurrences of a schedule, before it is saved`,
    description:
      "The schedule is a campaign's (presets or a custom RRULE), evaluated in the zone with the " +
      "workspace's holiday calendar, exactly as the scheduler will. Each bad field is named in `details`.",
  })
  @ApiOkResponse({ type: SchedulePreviewDto })
  async preview(@Body() dto: SchedulePreviewRequestDto): Promise<SchedulePreviewDto> {
    const problems: FieldError[] = [];
    const zone = dto.timeZone ?? this.config.workspace.timeZone;
    if (!isValidTimeZone(zone)) {
      problems.push({
        field: 'timeZone',
        messages: ['timeZone must be an IANA time zone such as Europe/Moscow'],
      });
    }
    let from = new Date();
    if (dto.from !== undefined) {
      const parsed = DateTime.fromISO(dto.from, { zone: isValidTimeZone(zone) ? zone : 'UTC' });
      if (parsed.isValid) from = parsed.toJSDate();
      else problems.push({ field: 'from', messages: ['from must be an ISO 8601 date or date-time'] });
    }
    const checked = checkSchedule(dto.schedule);
    problems.push(...checked.problems);
    if (problems.length > 0 || !checked.spec) {
      throw new ValidationException(
        `The schedule preview is invalid: ${problems.map((p) => p.field).join(', ')}`,
        problems,
      );
    }
    const spec = checked.spec;
    const calendar = await this.holidays.get();
    const found = nextOccurrences(spec, zone, from, SCHEDULE_PREVIEW_COUNT, calendar);
    return {
      scheduleText: describeSchedule(spec, zone),
      rrule: scheduleRRule(spec, zone),
      timeZone: zone,
      from: from.toISOString(),
      occurrences: found.map((at) => ({
        at: at.toISOString(),
        local: localTime(at, zone),
        periodKey: periodKey(spec, at, zone),
      })),
    };
  }
}
