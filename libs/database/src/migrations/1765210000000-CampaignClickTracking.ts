import { MigrationInterface, QueryRunner } from 'typeorm';

/** A campaign whose links go out as written, untracked (CLICK_TRACKING turns it off for the workspace). */
export class CampaignClickTracking1765210000000 implements MigrationInterface {
  name = 'CampaignClickTracking1765210000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns ADD COLUMN click_tracking boolean NOT NULL DEFAULT true`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns DROP COLUMN click_tracking`);
  }
}
