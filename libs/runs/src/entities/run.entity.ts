import { RunStatus, RunTrigger } from '../run-status.enum';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export interface RunStats {
  byStatus?: Record<string, number>;
  byChannel?: Record<string, Record<string, number>>;
  byReason?: Record<string, number>;
  displaced?: number;
}

/** One occurrence of a campaign. Exactly one per (campaign, period key). */
@Entity('runs')
export class Run {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  campaignId!: string;

  @Column({ type: 'text' })
  periodKey!: string;

  @Column({ type: 'timestamptz' })
  occurrenceAt!: Date;

  /** The period whose edition this run sends, when it is not its own (manual runs). */
  @Column({ type: 'text', nullable: true })
  editionKey!: string | null;

  @Column({ type: 'text', default: RunStatus.Planned })
  status!: RunStatus;

  @Column({ type: 'text', default: RunTrigger.Schedule })
  trigger!: RunTrigger;

  @Column({ type: 'integer', nullable: true })
  audience!: number | null;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  stats!: RunStats;

  /** Why the run is held, missed or failed. */
  @Column({ type: 'text', nullable: true })
  message!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  plannedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
