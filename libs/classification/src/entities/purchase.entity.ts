import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

const numeric = { to: (v: number) => v, from: (v: string | null) => (v === null ? 0 : Number(v)) };

/** A purchase: drives category, stage and "last purchase". Idempotent by external id. */
@Entity('purchases')
export class Purchase {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', nullable: true })
  externalId!: string | null;

  @Column({ type: 'uuid' })
  clientId!: string;

  @Column({ type: 'timestamptz' })
  purchasedAt!: Date;

  @Column({ type: 'numeric', precision: 14, scale: 2, transformer: numeric })
  amount!: number;

  /** ISO 4217 */
  @Column({ type: 'text' })
  currency!: string;

  @Column({ type: 'text', nullable: true })
  product!: string | null;

  @Column({ type: 'text', nullable: true })
  productCategory!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
