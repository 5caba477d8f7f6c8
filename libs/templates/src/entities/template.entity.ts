import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Channel, Locale } from '@touchbase/core';

/** One message template for a channel and a locale; campaigns name templates per channel. */
@Entity('templates')
export class Template {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** e.g. `monthly-broadcast`; unique with channel and locale. */
  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  channel!: Channel;

  @Column({ type: 'text' })
  locale!: Locale;

  /** Email subject (required for email); unused elsewhere. */
  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  /** Handlebars. Email: HTML; SMS: text; call: the script; letter: the letter body. */
  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  /** Loaded from the files under templates/ at start. */
  @Column({ type: 'boolean', default: false })
  builtin!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
