import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Sign-ups by campaign code (the campaign report's "with the code, anywhere"), without a scan of every resident (issue 22). */
export class ResidentCampaignCodeIndex1796411000001 implements MigrationInterface {
  name = 'ResidentCampaignCodeIndex1796411000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "idx_resident_campaign_activated" ON "resident" ("campaign_code", "activated_at") WHERE campaign_code IS NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_resident_campaign_activated"`);
  }
}
