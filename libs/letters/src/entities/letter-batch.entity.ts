import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export enum LetterBatchStatus {
  /** Letters are being attached; the PDF is made once the run has no more letters to hand over. */
  Building = 'building',
  /** The PDF is there to print. */
  Ready = 'ready',
  /** Printed and posted: its deliveries are sent. */
  Mailed = 'mailed',
  Failed = 'failed',
}

/** The letters of one run, printed as one PDF and posted together. */
@Entity('letter_batches')
export class LetterBatch {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  runId!: string;

  @Column({ type: 'text', default: LetterBatchStatus.Building })
  status!: LetterBatchStatus;

  @Column({ type: 'integer', default: 0 })
  letters!: number;

  @Column({ type: 'integer', default: 0 })
  pages!: number;

  @Column({ type: 'text', nullable: true })
  filePath!: string | null;

  @Column({ type: 'bigint', nullable: true })
  fileBytes!: string | null;

  /** Why the last build failed, while it is retried. */
  @Column({ type: 'text', nullable: true })
  message!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  mailedAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  mailedBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
