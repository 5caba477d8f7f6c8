import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Channel } from '@touchbase/core';
import { Frequency } from '../frequency.enum';

/** How a client wants to hear from the company. One row per client, created with the client. */
@Entity('client_preferences')
export class ClientPreferences {
  @PrimaryColumn({ type: 'uuid' })
  clientId!: string;

  @Column({ type: 'boolean', default: false })
  optedOut!: boolean;

  @Column({ type: 'boolean', default: true })
  emailAllowed!: boolean;

  @Column({ type: 'boolean', default: true })
  smsAllowed!: boolean;

  @Column({ type: 'boolean', default: true })
  callAllowed!: boolean;

  @Column({ type: 'boolean', default: true })
  letterAllowed!: boolean;

  @Column({ type: 'text', nullable: true })
  preferredChannel!: Channel | null;

  @Column({ type: 'text', default: Frequency.Unlimited })
  frequency!: Frequency;

  /** 'HH:MM:SS'; both null means the channel defaults. */
  @Column({ type: 'time', nullable: true })
  quietHoursStart!: string | null;

  @Column({ type: 'time', nullable: true })
  quietHoursEnd!: string | null;

  /** false: the client's clicks are not counted and their emails carry no open pixel. */
  @Column({ type: 'boolean', default: true })
  clickTracking!: boolean;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
