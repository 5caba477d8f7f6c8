import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** One JSON document per key: classification rules, preference defaults, the frequency policy … */
@Entity('workspace_settings')
export class WorkspaceSetting {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'jsonb' })
  value!: unknown;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  updatedBy!: string | null;
}
