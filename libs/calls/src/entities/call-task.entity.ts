import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export enum CallTaskStatus {
  Open = 'open',
  Done = 'done',
  Cancelled = 'cancelled',
}

export enum CallOutcome {
  Reached = 'reached',
  NoAnswer = 'no-answer',
  WrongNumber = 'wrong-number',
  CallbackRequested = 'callback-requested',
  Declined = 'declined',
}

/** One entry of a task's append-only history: every recorded outcome, with the caller's note. */
export interface CallNote {
  at: string;
  /** The staff member who recorded it. */
  by: string;
  outcome: CallOutcome;
  text: string | null;
}

/** A delivery on the call channel, handed to a person: the client's owner calls with the script. */
@Entity('call_tasks')
export class CallTask {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'bigint' })
  deliveryId!: string;

  @Column({ type: 'uuid' })
  clientId!: string;

  /** The client's owner when the task was made; null: anyone in sales ops may take it. */
  @Column({ type: 'uuid', nullable: true })
  ownerId!: string | null;

  @Column({ type: 'uuid' })
  campaignId!: string;

  @Column({ type: 'timestamptz' })
  dueAt!: Date;

  @Column({ type: 'text', default: CallTaskStatus.Open })
  status!: CallTaskStatus;

  /** The last outcome recorded. */
  @Column({ type: 'text', nullable: true })
  outcome!: CallOutcome | null;

  /** Calls made without an answer. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'text' })
  script!: string;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  notes!: CallNote[];

  @Column({ type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  completedBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
