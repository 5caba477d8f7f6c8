import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { WorkerHeartbeat } from './worker-heartbeat.entity';

const STALE_ROW_HOURS = 24;

/** Beats every WORKER_HEARTBEAT_SECONDS: upserts this worker's row; removes it on shutdown. */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Heartbeat');
  readonly workerId: string;
  private readonly startedAt = new Date();

  constructor(
    @InjectRepository(WorkerHeartbeat) private readonly heartbeats: Repository<WorkerHeartbeat>,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: AppConfig,
  ) {
    this.workerId = config.worker.id ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    const interval = setInterval(() => void this.beat(), this.config.worker.heartbeatSeconds * 1000);
    this.scheduler.addInterval('worker-heartbeat', interval);
    this.logger.log(
      `Worker ${this.workerId} started (heartbeat every ${this.config.worker.heartbeatSeconds}s)`,
    );
  }

  async beat(): Promise<void> {
    try {
      await this.heartbeats.query(
        `INSERT INTO worker_heartbeats (id, host, pid, started_at, last_beat_at)
         VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (id) DO UPDATE SET last_beat_at = now()`,
        [this.workerId, os.hostname(), process.pid, this.startedAt],
      );
      await this.heartbeats.query(
        `DELETE FROM worker_heartbeats WHERE last_beat_at < now() - make_interval(hours => $1)`,
        [STALE_ROW_HOURS],
      );
    } catch (e) {
      // The database may be restarting; the next beat tries again.
      this.logger.warn(`Heartbeat failed: ${(e as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', 'worker-heartbeat'))
      this.scheduler.deleteInterval('worker-heartbeat');
    await this.heartbeats.delete({ id: this.workerId }).catch(() => undefined);
  }
}
