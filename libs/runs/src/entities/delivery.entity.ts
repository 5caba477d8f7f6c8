import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Channel } from '@touchbase/core';
import { DeliveryStatus } from '../delivery-status.enum';
import { DeliveryReason } from '../delivery-reason.enum';

/** One client in one run. Suppressed ones are stored too: every "why not?" has an answer. */
@Entity('deliveries')
export class Delivery {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  runId!: string;

  @Column({ type: 'uuid' })
  campaignId!: string;

  @Column({ type: 'uuid' })
  clientId!: string;

  @Column({ type: 'text', nullable: true })
  channel!: Channel | null;

  @Column({ type: 'text' })
  status!: DeliveryStatus;

  @Column({ type: 'text', nullable: true })
  reason!: DeliveryReason | null;

  /** 0 normal, 1 high, 2 must-send */
  @Column({ type: 'smallint', default: 0 })
  priority!: number;

  /** false for service campaigns: they are exempt from caps and do not count. */
  @Column({ type: 'boolean', default: true })
  countsAsTouch!: boolean;

  /** The touch time: in the client's sending window, what caps count. */
  @Column({ type: 'timestamptz' })
  scheduledAt!: Date;

  /** When a dispatcher should next pick it up (retries move it). */
  @Column({ type: 'timestamptz' })
  dueAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deadlineAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  claimToken!: string | null;

  @Column({ type: 'text', nullable: true })
  providerId!: string | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  /** The A/B test variant whose content it carries; `PENDING_VARIANT` while it waits for the winner. */
  @Column({ type: 'text', nullable: true })
  variant!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
