import { MigrationInterface, QueryRunner } from 'typeorm';

/** Signers: the name spelt in English too, for English-speaking clients (the Russian one stays in `name`). */
export class SignerNames1764600000000 implements MigrationInterface {
  name = 'SignerNames1764600000000';

  public async up(q: QueryRunner): Promise<void> {
    // Null: English clients get the Russian name, as before.
    await q.query(`ALTER TABLE signers ADD COLUMN name_en text`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE signers DROP COLUMN name_en`);
  }
}
