import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyStaff, Roles, StaffRole } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import { HolidayCalendarDto } from './dto/holiday-calendar.dto';
import { HolidayCalendarService } from './holiday-calendar.service';

@ApiTags('holiday calendar')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/holiday-calendar')
export class HolidayCalendarController {
  constructor(private readonly calendar: HolidayCalendarService) {}

  @Get()
  @AnyStaff()
  @ApiOperation({
    summary: 'The business-day calendar: days off besides weekends and working weekend days',
    description:
      'Used by "first business day" schedules, by sending windows limited to business days (calls) and by call ' +
      'rescheduling. The Russian production calendar until an admin replaces it.',
  })
  @ApiOkResponse({ type: HolidayCalendarDto })
  get(): Promise<HolidayCalendarDto> {
    return this.calendar.document();
  }

  @Put()
  @Roles(StaffRole.Admin)
  @ApiOperation({
    summary: 'Replace the holiday calendar; it applies to occurrences and deliveries planned from now on',
    description:
      'Send the whole calendar: GET it, add or remove dates (e.g. the days off of a new government decree), ' +
      'PUT it back. Each bad date, repeated date, weekday listed as a working day or date in both lists is ' +
      'a 400 naming its field; nothing is saved then.',
  })
  @ApiOkResponse({ type: HolidayCalendarDto })
  set(@Body() dto: HolidayCalendarDto, @CurrentStaff() staff: StaffMember): Promise<HolidayCalendarDto> {
    return this.calendar.set({ daysOff: dto.daysOff, workingDays: dto.workingDays }, staff.id);
  }
}
