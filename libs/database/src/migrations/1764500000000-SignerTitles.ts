import { MigrationInterface, QueryRunner } from 'typeorm';

/** Signers: the title in English too, for English-speaking clients (the Russian one stays in `title`). */
export class SignerTitles1764500000000 implements MigrationInterface {
  name = 'SignerTitles1764500000000';

  public async up(q: QueryRunner): Promise<void> {
    // Null: English clients get the Russian title, as before.
    await q.query(`ALTER TABLE signers ADD COLUMN title_en text`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE signers DROP COLUMN title_en`);
  }
}
