import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { Public } from '@touchbase/core';
import { WorkerHeartbeat } from './worker-heartbeat.entity';

@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly config: AppConfig,
    @InjectRepository(WorkerHeartbeat) private readonly heartbeats: Repository<WorkerHeartbeat>,
  ) {}

  @Get()
  @Public({ throttle: false })
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the database answers and at least one worker is beating' })
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.db.pingCheck('database', { timeout: 3000 }),
        () => this.workers(),
      ]);
    } catch (e) {
      // Terminus reports "down" as a 503 whose body is the full result: keep that body.
      if (!(e instanceof ServiceUnavailableException)) throw e;
      res.status(503);
      return e.getResponse() as HealthCheckResult;
    }
  }

  @Get('live')
  @Public({ throttle: false })
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  private async workers() {
    const indicator = this.indicators.check('workers');
    // A worker is alive if it beat within three intervals.
    const horizon = this.config.worker.heartbeatSeconds * 3;
    const rows: { id: string; host: string; pid: number; last_beat_at: Date }[] = await this.heartbeats.query(
      `SELECT id, host, pid, last_beat_at FROM worker_heartbeats
        WHERE last_beat_at > now() - make_interval(secs => $1) ORDER BY id`,
      [horizon],
    );
    const data = {
      alive: rows.length,
      instances: rows.map((r) => ({ id: r.id, host: r.host, pid: r.pid, lastBeatAt: r.last_beat_at })),
    };
    return rows.length > 0
      ? indicator.up(data)
      : indicator.down({ ...data, message: 'No worker has beaten recently' });
  }
}
