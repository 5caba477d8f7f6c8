import { MigrationInterface, QueryRunner } from 'typeorm';

/** A client may turn off click tracking (in the portal): their clicks are not counted, no open pixel. */
export class ClickTrackingPreference1765320000000 implements MigrationInterface {
  name = 'ClickTrackingPreference1765320000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE client_preferences ADD COLUMN click_tracking boolean NOT NULL DEFAULT true`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE client_preferences DROP COLUMN click_tracking`);
  }
}
