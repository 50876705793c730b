import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Residents1795399401568 implements MigrationInterface {
    name = 'Residents1795399401568';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "resident" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(254), "phone_e164" character varying(16), "first_name" character varying(80), "last_name" character varying(80), "postcode" character varying(10), "ward_code" character varying(16) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "email_verified_at" TIMESTAMP WITH TIME ZONE, "phone_verified_at" TIMESTAMP WITH TIME ZONE, "activated_at" TIMESTAMP WITH TIME ZONE, "left_at" TIMESTAMP WITH TIME ZONE, "source" character varying(20), "campaign_code" character varying(40), "age_band" character varying(20), "ethnicity" character varying(40), "language" character varying(40), "quiet_start" TIME, "quiet_end" TIME, "consent_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "erased_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_f1a321823d6f69d0e348535fd37" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_resident_left" ON "resident"  ("left_at") WHERE left_at IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "idx_resident_ward_activated" ON "resident"  ("ward_code", "activated_at") `);
        await queryRunner.query(`CREATE INDEX "idx_resident_active_ward" ON "resident"  ("ward_code") WHERE status = 'active'`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_resident_phone" ON "resident"  ("phone_e164") WHERE phone_e164 IS NOT NULL`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_resident_email" ON "resident"  ("email") WHERE email IS NOT NULL`);
        await queryRunner.query(`CREATE TABLE "resident_channel" ("resident_id" uuid NOT NULL, "channel" character varying(8) NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "min_priority" character varying(12) NOT NULL DEFAULT 'information', "suspended_at" TIMESTAMP WITH TIME ZONE, "suspended_reason" character varying(200), CONSTRAINT "PK_1186da15c42a248057455a4b9df" PRIMARY KEY ("resident_id", "channel"))`);
        await queryRunner.query(`CREATE INDEX "idx_resident_channel_enabled" ON "resident_channel"  ("channel", "resident_id") WHERE enabled AND suspended_at IS NULL`);
        await queryRunner.query(`CREATE TABLE "resident_topic" ("resident_id" uuid NOT NULL, "topic" character varying(40) NOT NULL, CONSTRAINT "PK_d8102585ff8134a25f382ce42a3" PRIMARY KEY ("resident_id", "topic"))`);
        await queryRunner.query(`CREATE INDEX "idx_resident_topic_topic" ON "resident_topic"  ("topic", "resident_id") `);
        await queryRunner.query(`CREATE TABLE "resident_interest" ("resident_id" uuid NOT NULL, "interest_group" character varying(40) NOT NULL, CONSTRAINT "PK_e29f05cd283af2c1de310729bc0" PRIMARY KEY ("resident_id", "interest_group"))`);
        await queryRunner.query(`CREATE INDEX "idx_resident_interest_group" ON "resident_interest"  ("interest_group", "resident_id") `);
        await queryRunner.query(`CREATE TABLE "resident_sms_code" ("resident_id" uuid NOT NULL, "code_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "attempts" smallint NOT NULL DEFAULT '0', CONSTRAINT "PK_6aee978d55adaedc28538942118" PRIMARY KEY ("resident_id"))`);
        await queryRunner.query(`ALTER TABLE "resident" ADD CONSTRAINT "FK_369876a69ca6825ea25c46f43ba" FOREIGN KEY ("ward_code") REFERENCES "ward"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "resident_channel" ADD CONSTRAINT "FK_5906e3337466e42f4772f4a64d2" FOREIGN KEY ("resident_id") REFERENCES "resident"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "resident_topic" ADD CONSTRAINT "FK_3baf914c85b895e6200606f6deb" FOREIGN KEY ("resident_id") REFERENCES "resident"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "resident_interest" ADD CONSTRAINT "FK_e277d5fa781cfd1f76393440548" FOREIGN KEY ("resident_id") REFERENCES "resident"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "resident_sms_code" ADD CONSTRAINT "FK_6aee978d55adaedc28538942118" FOREIGN KEY ("resident_id") REFERENCES "resident"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "resident_sms_code" DROP CONSTRAINT "FK_6aee978d55adaedc28538942118"`);
        await queryRunner.query(`ALTER TABLE "resident_interest" DROP CONSTRAINT "FK_e277d5fa781cfd1f76393440548"`);
        await queryRunner.query(`ALTER TABLE "resident_topic" DROP CONSTRAINT "FK_3baf914c85b895e6200606f6deb"`);
        await queryRunner.query(`ALTER TABLE "resident_channel" DROP CONSTRAINT "FK_5906e3337466e42f4772f4a64d2"`);
        await queryRunner.query(`ALTER TABLE "resident" DROP CONSTRAINT "FK_369876a69ca6825ea25c46f43ba"`);
        await queryRunner.query(`DROP TABLE "resident_sms_code"`);
        await queryRunner.query(`DROP INDEX "public"."idx_resident_interest_group"`);
        await queryRunner.query(`DROP TABLE "resident_interest"`);
        await queryRunner.query(`DROP INDEX "public"."idx_resident_topic_topic"`);
        await queryRunner.query(`DROP TABLE "resident_topic"`);
        await queryRunner.query(`DROP INDEX "public"."idx_resident_channel_enabled"`);
        await queryRunner.query(`DROP TABLE "resident_channel"`);
        await queryRunner.query(`DROP INDEX "public"."uq_resident_email"`);
        await queryRunner.query(`DROP INDEX "public"."uq_resident_phone"`);
        await queryRunner.query(`DROP INDEX "public"."idx_resident_active_ward"`);
        await queryRunner.query(`DROP INDEX "public"."idx_resident_ward_activated"`);
        await queryRunner.query(`DROP INDEX "public"."idx_resident_left"`);
        await queryRunner.query(`DROP TABLE "resident"`);
    }
}
