import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum ActorType {
  Client = 'client',
  Staff = 'staff',
  System = 'system',
  /** Confirmed through the link of a double opt-in email (a consent collected on the company's form). */
  DoubleOptIn = 'double-opt-in',
}

export enum ConsentSource {
  Portal = 'portal',
  AdminApi = 'admin-api',
  Import = 'import',
  Sms = 'sms',
  OneClickUnsubscribe = 'one-click-unsubscribe',
  Bounce = 'bounce',
  /** A spam complaint (a feedback-loop report) about one of our emails. */
  Complaint = 'complaint',
  System = 'system',
  /** Confirmed through the link of a double opt-in email (a consent collected on the company's form). */
  DoubleOptIn = 'double-opt-in',
}

/** One changed preference item. Append-only: the database refuses updates and deletes. */
@Entity('consent_log')
export class ConsentLogEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  clientId!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  changedAt!: Date;

  @Column({ type: 'text' })
  actorType!: ActorType;

  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ type: 'text' })
  source!: ConsentSource;

  /**
   * e.g. `optedOut`, `channel.sms`, `preferredChannel`, `topic.promotions`, `frequency`, and
   * `consent.email` (prior consent to promotional messages on a channel: true granted, false withdrawn)
   */
  @Column({ type: 'text' })
  item!: string;

  @Column({ type: 'jsonb', nullable: true })
  oldValue!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  newValue!: unknown;

  @Column({ type: 'inet', nullable: true })
  ip!: string | null;

  @Column({ type: 'text', nullable: true })
  userAgent!: string | null;

  @Column({ type: 'text', nullable: true })
  wordingVersion!: string | null;
}
