import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles, StaffRole } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { SurveyReportDto, SurveyReportQueryDto } from './dto/survey-report.dto';
import { SurveyReportService } from './survey-report.service';

@ApiTags('reports')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/reports')
export class SurveyReportController {
  constructor(private readonly reports: SurveyReportService) {}

  @Get('survey')
  @Roles(StaffRole.Marketer, StaffRole.SalesOps)
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: SurveyReportDto })
  @ApiOperation({
    summary:
      'Survey answers: ratings summary (0–10 distribution, NPS-style split) and the answers; CSV export',
    description:
      'Filters: period of the answer (`from` inclusive, `to` exclusive), `runId`, `campaignId`. ' +
      '`?format=csv` or `Accept: text/csv` returns every matching answer as CSV.',
  })
  async survey(
    @Query() query: SurveyReportQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SurveyReportDto | string> {
    const csv =
      query.format === 'csv' ||
      (query.format !== 'json' && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (!csv) return this.reports.report(query);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="survey-answers.csv"');
    return this.reports.csv(query);
  }
}
