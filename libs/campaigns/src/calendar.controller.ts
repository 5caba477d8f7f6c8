import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyStaff } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { CalendarService, MAX_CALENDAR_DAYS } from './calendar.service';
import { CalendarDto, CalendarQueryDto } from './dto/calendar.dto';

@ApiTags('campaigns')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/calendar')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Get()
  @AnyStaff()
  @ApiOperation({
    summary: `Every occurrence of the active and paused campaigns in [from, to] (at most ${MAX_CALENDAR_DAYS} days)`,
    description: 'Each with its period key, UTC and local time, edition status, and its run if there is one.',
  })
  @ApiOkResponse({ type: CalendarDto })
  async list(@Query() query: CalendarQueryDto): Promise<CalendarDto> {
    return this.calendar.list(query);
  }
}
