import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** What a message is about. Opt-out topics (default subscribed) or opt-in ones. */
@Entity('topics')
export class Topic {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  nameRu!: string;

  @Column({ type: 'text' })
  nameEn!: string;

  @Column({ type: 'text', default: '' })
  descriptionRu!: string;

  @Column({ type: 'text', default: '' })
  descriptionEn!: string;

  /** true: opt-out topic (subscribed unless the client says no); false: opt-in. */
  @Column({ type: 'boolean', default: true })
  defaultSubscribed!: boolean;

  /**
   * Promotional: a touch on this topic needs the client's prior consent for the channel (38-FZ art. 18),
   * recorded in the consent log (see consentedSql). Service campaigns are exempt.
   */
  @Column({ type: 'boolean', default: false })
  requiresConsent!: boolean;

  /** Seeded topics the product relies on; they can be renamed, not deleted. */
  @Column({ type: 'boolean', default: false })
  system!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
