import { MigrationInterface, QueryRunner } from 'typeorm';

/** Clients: a company's contact person, whom its letters and emails address by name. */
export class ClientContactName1764700000000 implements MigrationInterface {
  name = 'ClientContactName1764700000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE clients ADD COLUMN contact_name text`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE clients DROP COLUMN contact_name`);
  }
}
