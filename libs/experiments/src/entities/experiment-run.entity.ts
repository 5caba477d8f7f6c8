import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { ExperimentDefinition, ExperimentRunStatus, WinnerBasis } from '../experiment.enums';

/** One variant's figures at the decision. */
export interface VariantFigures {
  key: string;
  /** Deliveries of the variant in the test part (any status). */
  assigned: number;
  /** Of those, sent or delivered. */
  reached: number;
  /** Reached deliveries with a click before the window's end. */
  clicked: number;
  clickRate: number | null;
  /** Reached clients who bought after their touch, up to the window's end. */
  buyers: number;
  revenue: number;
  revenuePerClient: number | null;
  /** Against the best variant (null for the best itself, or when it cannot be computed). */
  pValue: number | null;
}

/** One run's test: the definition as planned, its window, and the decision. */
@Entity('experiment_runs')
export class ExperimentRun {
  @PrimaryColumn({ type: 'uuid' })
  runId!: string;

  @Column({ type: 'uuid', nullable: true })
  experimentId!: string | null;

  @Column({ type: 'jsonb' })
  definition!: ExperimentDefinition;

  @Column({ type: 'text' })
  status!: ExperimentRunStatus;

  @Column({ type: 'timestamptz' })
  testStartedAt!: Date;

  @Column({ type: 'timestamptz' })
  windowEndsAt!: Date;

  @Column({ type: 'text', nullable: true })
  winner!: string | null;

  @Column({ type: 'text', nullable: true })
  winnerBasis!: WinnerBasis | null;

  /** The best variant against the runner-up. */
  @Column({ type: 'double precision', nullable: true })
  pValue!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  results!: VariantFigures[] | null;

  /** The held deliveries released with the winner (or cancelled). */
  @Column({ type: 'integer', nullable: true })
  restCount!: number | null;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
