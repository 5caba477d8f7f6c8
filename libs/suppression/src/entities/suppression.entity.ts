import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { SuppressionReason } from '../suppression.enums';

/**
 * An address or number that must not be contacted on a channel, with why and since when. Removing it
 * keeps the row (removed_at, removed_reason, removed_by): at most one active row per address.
 */
@Entity('suppressions')
@Index('suppressions_active_uq', ['channel', 'address'], { unique: true, where: 'removed_at IS NULL' })
export class Suppression {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  channel!: string;

  /** Lower-cased email, or an E.164 phone number. */
  @Column({ type: 'text' })
  address!: string;

  @Column({ type: 'text' })
  reason!: SuppressionReason;

  /** Where it came from: a delivery, a webhook, an import file, a member of staff. */
  @Column({ type: 'text', nullable: true })
  source!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  removedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  removedReason!: string | null;

  @Column({ type: 'uuid', nullable: true })
  removedBy!: string | null;
}
