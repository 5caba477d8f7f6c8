import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Locale, StaffRole } from '@touchbase/core';

/** A person of the company: an account manager (client owner), a marketer, an admin. */
@Entity('staff_members')
export class StaffMember {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Lower-cased; unique. */
  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text' })
  role!: StaffRole;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** argon2id (PHC string); null until the member sets a password. Never leaves the server. */
  @Column({ type: 'text', nullable: true })
  passwordHash!: string | null;

  /** The language of the console and of the emails sent to the member. */
  @Column({ type: 'text', default: Locale.Ru })
  locale!: Locale;

  @Column({ type: 'timestamptz', nullable: true })
  lastSignInAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  /** Never serialised with the password hash, whatever serialises it (a log line, a careless answer). */
  toJSON(): Omit<StaffMember, 'passwordHash' | 'toJSON'> {
    const { passwordHash: _hash, ...rest } = this;
    return rest;
  }
}
