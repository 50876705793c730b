import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Operations with target and control wards, for the campaign attribution report (issue 22). */
export class Campaigns1796405000001 implements MigrationInterface {
  name = 'Campaigns1796405000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "campaign" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(40) NOT NULL, "name" character varying(120) NOT NULL, "npu_code" character varying(8), "tactic" character varying(20) NOT NULL, "starts_on" date NOT NULL, "ends_on" date NOT NULL, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_campaign_tactic" CHECK ("tactic" IN ('door_knock', 'street', 'event', 'social_media')), CONSTRAINT "ck_campaign_dates" CHECK ("ends_on" >= "starts_on"), CONSTRAINT "PK_0ce34d26e7f2eb316a3a592cdc4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_campaign_code" ON "campaign" ("code") `);
    await queryRunner.query(
      `CREATE TABLE "campaign_area" ("campaign_id" uuid NOT NULL, "ward_code" character varying(16) NOT NULL, "role" character varying(8) NOT NULL, "households" integer, CONSTRAINT "ck_campaign_area_households" CHECK ("households" IS NULL OR "households" > 0), CONSTRAINT "ck_campaign_area_role" CHECK ("role" IN ('target', 'control')), CONSTRAINT "PK_939bccd059af405f7aaa5c0fdbb" PRIMARY KEY ("campaign_id", "ward_code"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_campaign_area_ward" ON "campaign_area" ("ward_code") `);
    await queryRunner.query(`ALTER TABLE "campaign" ADD CONSTRAINT "FK_04be4387fdacef24368daa16aeb" FOREIGN KEY ("npu_code") REFERENCES "npu"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "campaign_area" ADD CONSTRAINT "FK_87c785af0783ba10d32da863443" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "campaign_area" ADD CONSTRAINT "FK_b293d34f2c52e0269ce0d842e64" FOREIGN KEY ("ward_code") REFERENCES "ward"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "campaign_area"`);
    await queryRunner.query(`DROP TABLE "campaign"`);
  }
}
