import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An explicit choice of a client about a topic; without a row, the topic's default applies. */
@Entity('client_topic_subscriptions')
export class ClientTopicSubscription {
  @PrimaryColumn({ type: 'uuid' })
  clientId!: string;

  @PrimaryColumn({ type: 'text' })
  topicKey!: string;

  @Column({ type: 'boolean' })
  subscribed!: boolean;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
