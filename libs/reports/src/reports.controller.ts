import { Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles, StaffRole, ValidationException } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { ClientAttributionDto, ReportDto, VipCoolingPassDto } from './dto/report.dto';
import {
  ATTRIBUTION_TABLE_OF,
  AttributionQueryDto,
  ClientAttributionQueryDto,
  PeriodReportQueryDto,
  ReportFilterQueryDto,
  ReportFormat,
  HoldoutQueryDto,
  VipCoolingQueryDto,
  WinBackQueryDto,
} from './dto/report-query.dto';
import { HoldoutReportService } from './holdout/holdout-report.service';
import { MIN_GROUP_CLIENTS } from './holdout/holdout-verdict';
import { reportTableCsv } from './report-csv';
import { describeTables, REPORT_TABLES, ReportName, ReportResult } from './report-tables';
import { ReportOptions, ReportsService } from './reports.service';
import { VipCoolingPassResult, VipCoolingService } from './vip-cooling.service';

const FORMATS = 'JSON by default; `?format=csv` or `Accept: text/csv` gives one table as CSV (`?table=`).';
const describe = (report: ReportName, what: string) =>
  `${what}\n\nTables: ${describeTables(report)}.\n\n${FORMATS}`;

@ApiTags('reports')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403, 404)
@ApiProduces('application/json', 'text/csv')
@Controller('api/v1/reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly cooling: VipCoolingService,
    private readonly holdouts: HoldoutReportService,
  ) {}

  @Get('coverage')
  @Roles(StaffRole.Marketer, StaffRole.SalesOps)
  @ApiOperation({
    summary:
      'Coverage: share of the base touched in the period, by category and channel; CEO-letter coverage',
    description: describe(
      'coverage',
      'A client is touched when a delivery counting as a touch was sent or delivered in the period (a call that ' +
        'happened, a letter mailed). The CEO letter is read per quarter the period overlaps, with every client ' +
        'it did not reach and why: suppressed (detail: the suppression reason), cancelled, failed, bounced, ' +
        'pending, opted-out, not-in-segment, no-delivery.',
    ),
  })
  @ApiOkResponse({ type: ReportDto })
  coverage(
    @Query() query: PeriodReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReportResult | string> {
    return this.answer('coverage', query, accept, res, (o) => this.reports.coverage(o));
  }

  @Get('suppressions')
  @Roles(StaffRole.Marketer, StaffRole.SalesOps)
  @ApiOperation({
    summary: 'Suppressions by reason and campaign, and the clients the frequency caps held back most',
    description: describe('suppressions', 'Deliveries scheduled in the period that planning suppressed.'),
  })
  @ApiOkResponse({ type: ReportDto })
  suppressions(
    @Query() query: PeriodReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReportResult | string> {
    return this.answer('suppressions', query, accept, res, (o) => this.reports.suppressions(o));
  }

  @Get('deliverability')
  @Roles(StaffRole.Marketer, StaffRole.SalesOps)
  @ApiOperation({
    summary:
      'Deliverability per channel: sent, delivered, failed, bounced, STOPs, returned letters, call outcomes',
    description: describe(
      'deliverability',
      'Deliveries scheduled in the period (suppressed ones excluded), by channel and by ISO week in the workspace ' +
        'time zone. `sent` counts sent and delivered; STOPs are SMS consent withdrawn from the SMS side (STOP ' +
        'keyword or carrier block 21610).',
    ),
  })
  @ApiOkResponse({ type: ReportDto })
  deliverability(
    @Query() query: PeriodReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReportResult | string> {
    return this.answer('deliverability', query, accept, res, (o) => this.reports.deliverability(o));
  }

  @Get('funnel')
  @Roles(StaffRole.Marketer, StaffRole.SalesOps)
  @ApiOperation({
    summary: 'Funnel: clients per stage and conversion between stages over the period',
    description: describe(
      'funnel',
      'From the stage history: the stage of each client at the start and the end of the period, the clients in ' +
        'a stage at the start who reached a later one during the period, and every stage change.',
    ),
  })
  @ApiOkResponse({ type: ReportDto })
  funnel(
    @Query() query: PeriodReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReportResult | string> {
    return this.answer('funnel', query, accept, res, (o) => this.reports.funnel(o));
  }

  @Get('vip-cooling')
  @Roles(StaffRole.Marketer, StaffRole.SalesOps)
  @ApiOperation({
    summary: 'VIP cooling: VIP and A clients with no touch and no purchase for N days, with their owner',
    description: describe(
      'vip-cooling',
      'N is `days`, by default VIP_COOLING_DAYS. `callTaskId` is the owner call task of the open cooling episode.',
    ),
  })
  @ApiOkResponse({ type: ReportDto })
  vipCooling(
    @Query() query: VipCoolingQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReportResult | string> {
    return this.answer('vip-cooling', query, accept, res, (o) => this.reports.vipCooling(o));
  }

  @Post('vip-cooling/run')
  @HttpCode(200)
  @Roles(StaffRole.SalesOps)
  @ApiOperation({
    summary: 'Run the VIP cooling pass now (it also runs daily in the worker)',
    description:
      'Plans one owner call per new cooling episode, through the planner (caps, business days, calling ' +
      'hours); its call task appears when the call is due. An episode ends when the client is touched or ' +
      'buys. Running it again the same day plans nothing new.',
  })
  @ApiProduces('application/json')
  @ApiOkResponse({ type: VipCoolingPassDto })
  runVipCooling(): Promise<VipCoolingPassResult> {
    return this.cooling.run();
  }

  @Get('win-back')
  @Roles(StaffRole.Marketer, StaffRole.SalesOps)
  @ApiOperation({
    summary:
      'Lapsed clients, and per win-back campaign how many came back (a purchase after a win-back touch)',
    description: describe(
      'win-back',
      'Win-back campaigns are those of the playbook program `win-back` (or using its templates). A client came ' +
        'back when it bought within `windowDays` after its first win-back touch of the period.',
    ),
  })
  @ApiOkResponse({ type: ReportDto })
  winBack(
    @Query() query: WinBackQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReportResult | string> {
    return this.answer('win-back', query, accept, res, (o) => this.reports.winBack(o));
  }

  @Get('attribution')
  @Roles(StaffRole.Marketer, StaffRole.SalesOps)
  @ApiOperation({
    summary:
      'Attribution: the purchases of the period credited to the last touch before each, per campaign and channel',
    description: describe(
      'attribution',
      'A touch is a delivery counting as one (service campaigns never do) that reached the client, at its ' +
        "`sent_at`. A purchase at t is credited to the client's last touch with t − windowDays < sent_at ≤ t " +
        '(default: the workspace’s attribution window, 30 days unless set in the engagement settings), and to its campaign and channel; a purchase with no such touch is unattributed ' +
        '(summary). `touched`: distinct clients touched with sent_at in [from − windowDays, to), the touches ' +
        "that can be credited with the period's purchases; `clicked`: of those, who clicked a link of one of " +
        'them; `purchasers`, `purchases`, `revenue`: the attributed purchases (returns lower the revenue; ' +
        'revenue in the workspace currency); `revenuePerClient` = revenue / touched; `conversionRate` = ' +
        'purchasers / touched.',
    ),
  })
  @ApiOkResponse({ type: ReportDto })
  attribution(
    @Query() query: AttributionQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReportResult | string> {
    const { by, ...rest } = query;
    if (by && rest.table !== undefined && rest.table !== ATTRIBUTION_TABLE_OF[by]) {
      const message = `table ${rest.table} is not the grouping by ${by}`;
      throw new ValidationException(message, [{ field: 'by', messages: [message] }]);
    }
    const asked = { ...rest, table: rest.table ?? (by && ATTRIBUTION_TABLE_OF[by]) };
    return this.answer('attribution', asked, accept, res, (o) => this.reports.attribution(o));
  }

  @Get('attribution/clients/:clientId')
  @Roles(StaffRole.Marketer, StaffRole.SalesOps)
  @ApiOperation({
    summary: "A client's purchases, newest first, each with the touch it is attributed to",
    description:
      'The same rule as the attribution report: the last touch with t − windowDays < sent_at ≤ t; ' +
      '`attributedTo` is null when none.',
  })
  @ApiProduces('application/json')
  @ApiOkResponse({ type: ClientAttributionDto })
  async clientAttribution(
    @Param('clientId', ParseUUIDPipe) clientId: string,
    @Query() query: ClientAttributionQueryDto,
  ): Promise<ClientAttributionDto> {
    const windowDays = await this.reports.attributionWindowDays(query.windowDays);
    const items = await this.reports.clientAttribution(clientId, windowDays, query.limit);
    return {
      clientId,
      windowDays,
      items: items.map((p) => ({
        ...p,
        purchasedAt: p.purchasedAt.toISOString(),
        attributedTo: p.attributedTo && { ...p.attributedTo, sentAt: p.attributedTo.sentAt.toISOString() },
      })),
    };
  }

  @Get('verification')
  @Roles(StaffRole.Marketer, StaffRole.SalesOps)
  @ApiOperation({
    summary: 'Verification backlog: flagged or stale contact data, and what verification calls achieved',
    description: describe(
      'verification',
      'Problems: email-invalid (hard bounces), email-bounced (below the limit), sms-blocked (21610), ' +
        'address-returned, phone-wrong, not-verified (contact data not verified for 12 months). Calls: the ' +
        'contact-verification call tasks created in the period, by outcome.',
    ),
  })
  @ApiOkResponse({ type: ReportDto })
  verification(
    @Query() query: PeriodReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReportResult | string> {
    return this.answer('verification', query, accept, res, (o) => this.reports.verification(o));
  }

  @Get('holdout')
  @Roles(StaffRole.Marketer, StaffRole.SalesOps)
  @ApiOperation({
    summary:
      "Holdout: revenue per client of the touched and the held-out clients of a campaign (or of the workspace's control group), with Welch's 95% confidence interval and a verdict in words",
    description: describe(
      'holdout',
      'Touched: reached by a delivery of the runs (sent or delivered). Held out: suppressed with reason holdout ' +
        '(with `campaignId`) or control-group (without: the runs of the promotional campaigns in the period). ' +
        "Revenue: a client's purchases from the occurrence of its first run to `days` after that of its last " +
        '(amounts summed as recorded). A client in both groups counts in neither. The summary gives n, means, ' +
        'the difference (touched − held out), its 95% Welch interval, the p-value and `verdict` (touched-more, ' +
        `no-difference, held-out-more, too-few: under ${MIN_GROUP_CLIENTS} clients in a group) with \`verdictEn\` and \`verdictRu\`.`,
    ),
  })
  @ApiOkResponse({ type: ReportDto })
  holdout(
    @Query() query: HoldoutQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReportResult | string> {
    return this.answer('holdout', query, accept, res, (o) => this.holdouts.holdout(o));
  }

  /** JSON, or one table as CSV; the table is checked before any query runs. */
  private async answer(
    report: ReportName,
    query: ReportFilterQueryDto,
    accept: string | undefined,
    res: Response,
    run: (options: ReportOptions) => Promise<ReportResult>,
  ): Promise<ReportResult | string> {
    const tables = REPORT_TABLES[report] as Record<string, readonly string[]>;
    const names = Object.keys(tables);
    if (query.table !== undefined && !names.includes(query.table)) {
      const message = `table must be one of ${names.join(', ')}`;
      throw new ValidationException(message, [{ field: 'table', messages: [message] }]);
    }
    const csv =
      query.format === ReportFormat.Csv ||
      (query.format === undefined && (accept ?? '').toLowerCase().includes('text/csv'));
    const { format: _format, table: _table, ...options } = query;
    const result = await run(options);
    if (!csv) return result;
    const table = query.table ?? names[0];
    const name = [report, result.period?.key, table].filter(Boolean).join('-');
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
    return reportTableCsv(tables[table], result.tables[table] ?? []);
  }
}
