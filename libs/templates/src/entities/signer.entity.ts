import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Who signs letters and CEO mail: name and title (Russian, and English if given) and a signature image. */
@Entity('signers')
export class Signer {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** For English-speaking clients; null: they get `name`. */
  @Column({ type: 'text', nullable: true })
  nameEn!: string | null;

  @Column({ type: 'text' })
  title!: string;

  /** For English-speaking clients; null: they get `title`. */
  @Column({ type: 'text', nullable: true })
  titleEn!: string | null;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'bytea', nullable: true, select: false })
  signatureImage!: Buffer | null;

  @Column({ type: 'text', nullable: true })
  signatureMime!: 'image/png' | 'image/jpeg' | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
