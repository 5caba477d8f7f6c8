import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyStaff } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { RunSmsCostDto } from './dto/run-sms-cost.dto';
import { RunSmsCostService } from './run-sms-cost.service';

@ApiTags('runs')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403, 404)
@Controller('api/v1/runs')
export class RunSmsController {
  constructor(private readonly costs: RunSmsCostService) {}

  @Get(':id/sms')
  @AnyStaff()
  @ApiOperation({
    summary:
      "A run's SMS: counts, segments and estimated cost — measured for what was sent, projected from a sample for what is queued",
  })
  @ApiOkResponse({ type: RunSmsCostDto })
  sms(@Param('id', ParseUUIDPipe) id: string): Promise<RunSmsCostDto> {
    return this.costs.estimate(id);
  }
}
