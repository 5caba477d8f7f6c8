import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Channel } from '@touchbase/core';

export enum DeliveryStatus {
  Queued = 'queued',
  Sending = 'sending',
  Sent = 'sent',
  Delivered = 'delivered',
  Failed = 'failed',
  Bounced = 'bounced',
  Suppressed = 'suppressed',
  Cancelled = 'cancelled',
}

/** Statuses that make a delivery a touch (it holds a frequency-cap slot). */
export const TOUCH_STATUSES = [
  DeliveryStatus.Queued,
  DeliveryStatus.Sending,
  DeliveryStatus.Sent,
  DeliveryStatus.Delivered,
] as const;

export enum SuppressionReason {
  OptedOut = 'opted-out',
  TopicUnsubscribed = 'topic-unsubscribed',
  ChannelNotAllowed = 'channel-not-allowed',
  NoContactData = 'no-contact-data',
  FrequencyCap = 'frequency-cap',
  QuietHoursExpired = 'quiet-hours-expired',
  Displaced = 'displaced',
  RunCancelled = 'run-cancelled',
}

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
  reason!: string | null;

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

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
