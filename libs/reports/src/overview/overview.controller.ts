import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyStaff } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import { OverviewDto } from './overview.dto';
import { OverviewService } from './overview.service';

@ApiTags('reports')
@ApiBearerAuth('api-key')
@ApiErrors(401, 403)
@Controller('api/v1/overview')
export class OverviewController {
  constructor(private readonly overview: OverviewService) {}

  @Get()
  @AnyStaff()
  @ApiOperation({
    summary:
      'The console overview: runs in flight, sent today, the next 7 days, suppressions, coverage, calls',
    description:
      'Each number comes from the service behind its endpoint: runs (GET /runs?status=), the calendar, ' +
      'the suppressions report (by reason, last 30 days), the coverage report (CEO letter of this quarter), ' +
      'the VIP cooling report, and the call tasks (?due=today&status=open, /overdue).',
  })
  @ApiOkResponse({ type: OverviewDto })
  get(@CurrentStaff() staff: StaffMember): Promise<OverviewDto> {
    return this.overview.get(staff);
  }
}
