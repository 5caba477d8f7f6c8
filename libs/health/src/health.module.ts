import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthController } from './health.controller';
import { HeartbeatService } from './heartbeat.service';
import { WorkerHeartbeat } from './worker-heartbeat.entity';

/** `/health` on the API side. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), TypeOrmModule.forFeature([WorkerHeartbeat])],
  controllers: [HealthController],
})
export class HealthModule {}

/** The worker side: this process' heartbeat row. Needs ScheduleModule.forRoot() in the app. */
@Module({
  imports: [TypeOrmModule.forFeature([WorkerHeartbeat])],
  providers: [HeartbeatService],
  exports: [HeartbeatService],
})
export class HeartbeatModule {}
