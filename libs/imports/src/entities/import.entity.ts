import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum ImportKind {
  Clients = 'clients',
  Purchases = 'purchases',
  Preferences = 'preferences',
}

export enum ImportStatus {
  Processing = 'processing',
  Completed = 'completed',
  Failed = 'failed',
}

/** A bigint column read as a number (file sizes stay far below 2^53). */
const BIGINT_NUMBER = { to: (v: number) => v, from: (v: string | number) => Number(v) };

/** One uploaded file and its report. */
@Entity('imports')
export class Import {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  kind!: ImportKind;

  @Column({ type: 'text' })
  fileName!: string;

  @Column({ type: 'text' })
  format!: 'csv' | 'xlsx';

  @Column({ type: 'text', nullable: true })
  encoding!: string | null;

  @Column({ type: 'text', nullable: true })
  delimiter!: string | null;

  /** file column → touchbase field; null marks a column that was ignored. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  mapping!: Record<string, string | null>;

  @Column({ type: 'boolean', default: false })
  dryRun!: boolean;

  @Column({ type: 'text', default: ImportStatus.Processing })
  status!: ImportStatus;

  @Column({ type: 'integer', default: 0 }) total!: number;
  @Column({ type: 'integer', default: 0 }) created!: number;
  @Column({ type: 'integer', default: 0 }) updated!: number;
  @Column({ type: 'integer', default: 0 }) unchanged!: number;
  @Column({ type: 'integer', default: 0 }) failed!: number;

  /** How far into the file the import has read, of `totalBytes`: its progress while it runs. */
  @Column({ type: 'bigint', default: 0, transformer: BIGINT_NUMBER }) bytesRead!: number;
  @Column({ type: 'bigint', default: 0, transformer: BIGINT_NUMBER }) totalBytes!: number;

  /** Last sign of life of the process running it; a processing import without one for long was interrupted. */
  @Column({ type: 'timestamptz', nullable: true })
  heartbeatAt!: Date | null;

  /** Why the whole import failed (unreadable file …), if it did. */
  @Column({ type: 'text', nullable: true })
  message!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
