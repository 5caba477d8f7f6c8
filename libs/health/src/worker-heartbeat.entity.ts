import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per running worker process, refreshed on every beat; `/health` reads them. */
@Entity('worker_heartbeats')
export class WorkerHeartbeat {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  host!: string;

  @Column({ type: 'integer' })
  pid!: number;

  @Column({ type: 'timestamptz' })
  startedAt!: Date;

  @Column({ type: 'timestamptz' })
  lastBeatAt!: Date;
}
