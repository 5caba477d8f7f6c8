import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export interface EditionBlock {
  /** e.g. heading, paragraph, link, image */
  type: string;
  ru?: string;
  en?: string;
  url?: string;
}

/** The content of one occurrence of a recurring broadcast. */
@Entity('editions')
export class Edition {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  campaignId!: string;

  @Column({ type: 'text' })
  periodKey!: string;

  @Column({ type: 'text', nullable: true })
  subjectRu!: string | null;

  @Column({ type: 'text', nullable: true })
  subjectEn!: string | null;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  blocks!: EditionBlock[];

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
