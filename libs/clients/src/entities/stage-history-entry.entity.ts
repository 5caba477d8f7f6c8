import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Every stage change with its time and cause, so funnel conversion can be reported. */
@Entity('stage_history')
export class StageHistoryEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  clientId!: string;

  @Column({ type: 'text', nullable: true })
  fromStage!: string | null;

  @Column({ type: 'text' })
  toStage!: string;

  /** e.g. `created`, `manual`, `import`, `recompute:purchase`, `recompute:lapsed` */
  @Column({ type: 'text' })
  cause!: string;

  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ type: 'timestamptz' })
  changedAt!: Date;
}

/** Every category change (from, to, cause: `manual` or `recompute`, actor, time). */
@Entity('category_history')
export class CategoryHistoryEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  clientId!: string;

  @Column({ type: 'text', nullable: true })
  fromCategory!: string | null;

  @Column({ type: 'text', nullable: true })
  toCategory!: string | null;

  @Column({ type: 'text' })
  cause!: string;

  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ type: 'timestamptz' })
  changedAt!: Date;
}
