import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyStaff } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { CalendarBoardService } from './calendar-board.service';
import { CalendarBoardDto, CalendarBoardQueryDto } from './dto/calendar-board.dto';

@ApiTags('campaigns')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/calendar')
export class CalendarBoardController {
  constructor(private readonly boards: CalendarBoardService) {}

  @Get('board')
  @AnyStaff()
  @ApiOperation({
    summary: 'Every occurrence in [from, to] with its status, priority, channels, run and cap collisions',
    description:
      'Collisions: for upcoming occurrences of active campaigns, the clients who would hit a cap, from a ' +
      'simulation of every active campaign up to the last of them (planned in a transaction that is rolled ' +
      'back). Cached per campaign, occurrence and frequency-policy version for ten minutes: the first call ' +
      'after a change pays for the simulation, repeated ones do not.',
  })
  @ApiOkResponse({ type: CalendarBoardDto })
  board(@Query() query: CalendarBoardQueryDto): Promise<CalendarBoardDto> {
    return this.boards.board(query);
  }
}
