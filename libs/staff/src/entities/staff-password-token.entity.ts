import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum PasswordTokenPurpose {
  /** An invited member sets their first password (valid 7 days). */
  Invitation = 'invitation',
  /** "Forgot password" (valid 1 hour). */
  Reset = 'reset',
  /** The first admin, printed at first start (valid 7 days). */
  FirstStart = 'first-start',
}

/** A single-use, expiring link to set a password. Only the token's SHA-256 is stored. */
@Entity('staff_password_tokens')
export class StaffPasswordToken {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  staffMemberId!: string;

  @Column({ type: 'text', select: false })
  tokenHash!: string;

  @Column({ type: 'text' })
  purpose!: PasswordTokenPurpose;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}
