import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One bad cell or row of an import: the report lists them and exports them as CSV. */
@Entity('import_errors')
export class ImportError {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  importId!: string;

  /** 1-based data row number as the user sees it in the file (the header is row 1). */
  @Column({ type: 'integer' })
  rowNumber!: number;

  @Column({ type: 'text', nullable: true })
  columnName!: string | null;

  @Column({ type: 'text' })
  message!: string;

  /**
   * The row as read, as [header, cell] pairs in file order (a JSON object would lose the order), to
   * export the failed rows. Kept on the first error of a row only.
   */
  @Column({ type: 'jsonb', nullable: true })
  raw!: [string, string][] | null;
}
