import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InboundKind, InboundOutcome, InboundVia } from '../inbound.enums';

/**
 * One message that came back to the bounce address (DSN, complaint, auto-reply, anything else): what
 * it was taken for and what was done. The raw message is kept for those not understood or matched.
 */
@Entity('inbound_bounce_events')
@Index('inbound_bounce_events_received_idx', ['receivedAt'])
export class InboundBounceEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  @Column({ type: 'text' })
  via!: InboundVia;

  @Column({ type: 'text' })
  kind!: InboundKind;

  @Column({ type: 'text' })
  outcome!: InboundOutcome;

  @Column({ type: 'bigint', nullable: true })
  deliveryId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  clientId!: string | null;

  /** The failed recipient or the complaining address, as the report gives it. */
  @Column({ type: 'text', nullable: true })
  recipient!: string | null;

  /** Enhanced status code (RFC 3463), e.g. 5.1.1. */
  @Column({ type: 'text', nullable: true })
  statusCode!: string | null;

  @Column({ type: 'text', nullable: true })
  diagnostic!: string | null;

  /** The report's own From, Subject and Message-ID. */
  @Column({ type: 'text', nullable: true })
  sender!: string | null;

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ type: 'text', nullable: true })
  messageId!: string | null;

  @Column({ type: 'int' })
  sizeBytes!: number;

  @Column({ type: 'bytea', nullable: true, select: false })
  raw!: Buffer | null;
}
