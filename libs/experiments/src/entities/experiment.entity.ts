import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ExperimentMetric, ExperimentVariant, NotSignificantChoice } from '../experiment.enums';

/** An A/B test of a campaign (each of its runs) or of one run. */
@Entity('experiments')
export class Experiment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', nullable: true })
  campaignId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  runId!: string | null;

  @Column({ type: 'jsonb' })
  variants!: ExperimentVariant[];

  @Column({ type: 'double precision' })
  testShare!: number;

  @Column({ type: 'text' })
  metric!: ExperimentMetric;

  @Column({ type: 'integer' })
  windowHours!: number;

  @Column({ type: 'boolean', default: true })
  sendWinnerToRest!: boolean;

  @Column({ type: 'text' })
  whenNotSignificant!: NotSignificantChoice;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
