import { Controller, Get, Injectable, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AnyStaff, Channel, NotFoundException } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { REACHED_STATUSES_SQL } from '@touchbase/runs';

export class EngagementFiguresDto {
  @ApiProperty({ description: 'Deliveries that went out (sent or delivered)' }) reached!: number;
  @ApiProperty({
    description: 'Of them, those whose links count clicks (tracking on for the campaign and client)',
  })
  tracked!: number;
  @ApiProperty({ description: 'Tracked deliveries clicked at least once' }) clicked!: number;
  @ApiProperty({ description: 'Clicks in all' }) clicks!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'clicked ÷ tracked; null when nothing is tracked',
  })
  clickRate!: number | null;
  @ApiProperty({ description: 'Deliveries opened by a person at least once (open pixel)' }) opened!: number;
  @ApiProperty({ description: 'Opens by people' }) opens!: number;
  @ApiProperty({
    description: 'Opens by machines (Apple Mail Privacy Protection, scanners): never engagement',
  })
  machineOpens!: number;
}

export class ChannelEngagementDto extends EngagementFiguresDto {
  @ApiProperty({ enum: Channel }) channel!: Channel;
}

export class RunEngagementDto extends EngagementFiguresDto {
  @ApiProperty({ type: [ChannelEngagementDto] }) byChannel!: ChannelEngagementDto[];
}

interface Row {
  channel: Channel;
  reached: number;
  tracked: number;
  clicked: number;
  clicks: number;
  opened: number;
  opens: number;
  machine_opens: number;
}

const figures = (r: Omit<Row, 'channel'>): EngagementFiguresDto => ({
  reached: r.reached,
  tracked: r.tracked,
  clicked: r.clicked,
  clicks: r.clicks,
  clickRate: r.tracked ? r.clicked / r.tracked : null,
  opened: r.opened,
  opens: r.opens,
  machineOpens: r.machine_opens,
});

/** What a run's messages drew: clicks and opens of its reached deliveries, in all and per channel. */
@Injectable()
export class RunEngagementService {
  constructor(private readonly dataSource: DataSource) {}

  async of(runId: string): Promise<RunEngagementDto> {
    const [run] = await this.dataSource.query(`SELECT 1 FROM runs WHERE id = $1`, [runId]);
    if (!run) throw new NotFoundException('Run', runId);
    const rows: Row[] = await this.dataSource.query(
      `SELECT d.channel,
              count(*)::int AS reached,
              count(*) FILTER (WHERE l.tracked)::int AS tracked,
              count(*) FILTER (WHERE l.tracked AND l.clicks > 0)::int AS clicked,
              COALESCE(sum(l.clicks) FILTER (WHERE l.tracked), 0)::int AS clicks,
              count(*) FILTER (WHERE l.tracked AND l.opens > 0)::int AS opened,
              COALESCE(sum(l.opens) FILTER (WHERE l.tracked), 0)::int AS opens,
              COALESCE(sum(l.machine_opens) FILTER (WHERE l.tracked), 0)::int AS machine_opens
         FROM deliveries d
         LEFT JOIN delivery_links l ON l.delivery_id = d.id
        WHERE d.run_id = $1 AND d.status IN ${REACHED_STATUSES_SQL} AND d.channel IS NOT NULL
        GROUP BY d.channel ORDER BY d.channel`,
      [runId],
    );
    const sum = (key: keyof Omit<Row, 'channel'>) => rows.reduce((s, r) => s + r[key], 0);
    return {
      ...figures({
        reached: sum('reached'),
        tracked: sum('tracked'),
        clicked: sum('clicked'),
        clicks: sum('clicks'),
        opened: sum('opened'),
        opens: sum('opens'),
        machine_opens: sum('machine_opens'),
      }),
      byChannel: rows.map((r) => ({ channel: r.channel, ...figures(r) })),
    };
  }
}

@ApiTags('runs')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403, 404)
@Controller('api/v1/runs')
export class RunEngagementController {
  constructor(private readonly engagement: RunEngagementService) {}

  @Get(':id/engagement')
  @AnyStaff()
  @ApiOperation({
    summary:
      "A run's clicks and opens: reached, tracked, clicked, click rate, human and machine opens, per channel",
  })
  @ApiOkResponse({ type: RunEngagementDto })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<RunEngagementDto> {
    return this.engagement.of(id);
  }
}
