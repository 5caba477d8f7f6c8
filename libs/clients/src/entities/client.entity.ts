import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Relation,
  UpdateDateColumn,
} from 'typeorm';
import { StaffMember } from '@touchbase/staff';
import { Locale } from '@touchbase/core';
import { Category, ClientKind, Stage } from '../client.enums';

const numeric = { to: (v: number) => v, from: (v: string | null) => (v === null ? 0 : Number(v)) };

/** A company or person that has bought at least once, or a prospect. Never deleted: archived or erased. */
@Entity('clients')
export class Client {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The id in the company's ERP/CRM; unique. */
  @Column({ type: 'text', nullable: true })
  externalRef!: string | null;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: ClientKind.Company })
  kind!: ClientKind;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  /** E.164 */
  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  /** Whether the phone can take SMS; null when unknown (treated as able). */
  @Column({ type: 'boolean', nullable: true })
  phoneMobile!: boolean | null;

  /** Bumping it revokes every portal and unsubscribe link issued to the client so far. */
  @Column({ type: 'integer', default: 0 })
  linkVersion!: number;

  /** A company's contact person («Фамилия Имя Отчество»): its messages greet them by name. */
  @Column({ type: 'text', nullable: true })
  contactName!: string | null;

  @Column({ type: 'text', nullable: true })
  addressRecipient!: string | null;

  @Column({ type: 'text', array: true, default: () => `'{}'` })
  addressLines!: string[];

  @Column({ type: 'text', nullable: true })
  addressCity!: string | null;

  @Column({ type: 'text', nullable: true })
  addressRegion!: string | null;

  @Column({ type: 'text', nullable: true })
  addressPostalCode!: string | null;

  /** ISO 3166-1 alpha-2 */
  @Column({ type: 'text', nullable: true })
  addressCountry!: string | null;

  @Column({ type: 'text', default: Locale.Ru })
  locale!: Locale;

  /** IANA; null means the workspace's zone. */
  @Column({ type: 'text', nullable: true })
  timeZone!: string | null;

  @Column({ type: 'uuid', nullable: true })
  ownerId!: string | null;

  @ManyToOne(() => StaffMember, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'owner_id' })
  owner?: Relation<StaffMember> | null;

  @Column({ type: 'text', array: true, default: () => `'{}'` })
  tags!: string[];

  @Column({ type: 'text', nullable: true })
  computedCategory!: Exclude<Category, Category.Vip> | null;

  @Column({ type: 'boolean', default: false })
  vipFlag!: boolean;

  @Column({ type: 'boolean', default: false })
  vipByRule!: boolean;

  @Column({ type: 'text', nullable: true })
  categoryOverride!: Category | null;

  /** Generated in the database: override, else VIP (flag or rule), else computed. */
  @Column({ type: 'text', nullable: true, insert: false, update: false })
  category!: Category | null;

  @Column({ type: 'text', default: Stage.Potential })
  stage!: Stage;

  @Column({ type: 'timestamptz' })
  stageChangedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  firstPurchaseAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastPurchaseAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  purchaseCount!: number;

  @Column({ type: 'numeric', precision: 16, scale: 2, default: 0, transformer: numeric })
  revenueTotal!: number;

  @Column({ type: 'numeric', precision: 16, scale: 2, default: 0, transformer: numeric })
  revenueWindow!: number;

  @Column({ type: 'timestamptz', nullable: true })
  lastTouchAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  contactVerifiedAt!: Date | null;

  /** Problems found with the contact data: email-invalid, phone-wrong, address-returned … */
  @Column({ type: 'text', array: true, default: () => `'{}'` })
  contactFlags!: string[];

  @Column({ type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  erasedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
