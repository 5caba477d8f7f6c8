import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Relation,
} from 'typeorm';
import { StaffMember } from './staff-member.entity';

/** An API key of a staff member. Only its SHA-256 hash is stored; the key is shown once. */
@Entity('api_keys')
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  staffMemberId!: string;

  @ManyToOne(() => StaffMember, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'staff_member_id' })
  staffMember?: Relation<StaffMember>;

  @Column({ type: 'text' })
  name!: string;

  /** The first characters of the key (`tb_AbCd1234`), to recognise it in lists. */
  @Column({ type: 'text' })
  prefix!: string;

  @Column({ type: 'text', select: false })
  keyHash!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
