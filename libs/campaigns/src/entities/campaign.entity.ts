import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Channel } from '@touchbase/core';
import { CampaignKind, CampaignStatus, Priority } from '../campaign.enums';
import type { ScheduleSpec } from '../schedule.types';

/** Channel order for the clients of some categories, e.g. letters by post for VIP and A. */
export interface ChannelRule {
  categories: string[];
  channels: Channel[];
}

/** channel → template name; the locale is the client's (falling back to the other one). */
export type CampaignTemplates = Partial<Record<Channel, string>>;

@Entity('campaigns')
export class Campaign {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'text' })
  kind!: CampaignKind;

  @Column({ type: 'text', default: CampaignStatus.Draft })
  status!: CampaignStatus;

  /** null: the whole base. */
  @Column({ type: 'uuid', nullable: true })
  segmentId!: string | null;

  @Column({ type: 'text' })
  topicKey!: string;

  /** Allowed channels in order of preference. */
  @Column({ type: 'text', array: true })
  channels!: Channel[];

  @Column({ type: 'jsonb', default: () => `'[]'` })
  channelRules!: ChannelRule[];

  @Column({ type: 'jsonb', default: () => `'{}'` })
  templates!: CampaignTemplates;

  @Column({ type: 'text', default: Priority.Normal })
  priority!: Priority;

  @Column({ type: 'jsonb' })
  schedule!: ScheduleSpec;

  @Column({ type: 'text' })
  timeZone!: string;

  /** How long after the occurrence a delivery may still go out (deferral, quiet hours). */
  @Column({ type: 'integer', default: 72 })
  deadlineHours!: number;

  /** A missed occurrence is still run within this many hours; later it is marked missed. */
  @Column({ type: 'integer', default: 24 })
  graceHours!: number;

  @Column({ type: 'boolean', default: false })
  requiresEdition!: boolean;

  /** Its links through short links that count clicks (unless the workspace's engagement settings turn click tracking off). */
  @Column({ type: 'boolean', default: true })
  clickTracking!: boolean;

  /** Share of the eligible audience held out (suppressed, reason holdout) to measure the campaign. */
  @Column({ type: 'double precision', default: 0 })
  holdoutShare!: number;
  /** Its emails carry an open pixel (when the workspace's engagement settings turn opens on and links are tracked). */
  @Column({ type: 'boolean', default: false })
  openTracking!: boolean;

  @Column({ type: 'uuid', nullable: true })
  signerId!: string | null;

  /** From address for email; CEO letters default to the signer. */
  @Column({ type: 'text', nullable: true })
  fromAddress!: string | null;

  /** Set on the playbook programs touchbase creates on first start. */
  @Column({ type: 'text', nullable: true })
  playbookKey!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  activatedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
