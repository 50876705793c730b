import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Cadets1795399795730 implements MigrationInterface {
    name = 'Cadets1795399795730';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "cadet_unit" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "npu_code" character varying(8) NOT NULL, "name" character varying(120) NOT NULL, "kind" character varying(12) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_cadet_unit_npu_name" UNIQUE ("npu_code", "name"), CONSTRAINT "ck_cadet_unit_kind" CHECK ("kind" IN ('cadets', 'junior_pcso')), CONSTRAINT "PK_57aa7d992f8d617c2fdc9e18d28" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "cadet_member" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "unit_id" uuid NOT NULL, "first_name" character varying(80) NOT NULL, "last_name" character varying(80) NOT NULL, "date_of_birth" date NOT NULL, "guardian_name" character varying(120), "guardian_phone" character varying(16), "role" character varying(12) NOT NULL, "joined_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "left_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "ck_cadet_member_role" CHECK ("role" IN ('cadet', 'junior_pcso', 'leader')), CONSTRAINT "PK_b1c1e7d4a2826a6f6deacd503fc" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_cadet_member_active" ON "cadet_member"  ("unit_id", "first_name", "last_name", "date_of_birth") WHERE left_at IS NULL`);
        await queryRunner.query(`CREATE INDEX "idx_cadet_member_unit_active" ON "cadet_member"  ("unit_id", "role") WHERE left_at IS NULL`);
        await queryRunner.query(`CREATE TABLE "cadet_session" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "unit_id" uuid NOT NULL, "held_on" date NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_cadet_session_unit_day" UNIQUE ("unit_id", "held_on"), CONSTRAINT "PK_8998c12702c0f66c05c81a37e5f" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "cadet_attendance" ("session_id" uuid NOT NULL, "member_id" uuid NOT NULL, CONSTRAINT "PK_b25eb7011a0a06cb8e586dac701" PRIMARY KEY ("session_id", "member_id"))`);
        await queryRunner.query(`CREATE INDEX "idx_cadet_attendance_member" ON "cadet_attendance"  ("member_id") `);
        await queryRunner.query(`ALTER TABLE "cadet_unit" ADD CONSTRAINT "FK_5fc2652025bf86b26944bff8969" FOREIGN KEY ("npu_code") REFERENCES "npu"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "cadet_member" ADD CONSTRAINT "FK_d44e8996bc67848002f61b5b0ac" FOREIGN KEY ("unit_id") REFERENCES "cadet_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "cadet_session" ADD CONSTRAINT "FK_e3340d3f97c99b0bf850fa6c1ac" FOREIGN KEY ("unit_id") REFERENCES "cadet_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "cadet_attendance" ADD CONSTRAINT "FK_99cbbcdb7580053a714e42b2a53" FOREIGN KEY ("session_id") REFERENCES "cadet_session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "cadet_attendance" ADD CONSTRAINT "FK_71ac5f89915216b835a52ec5903" FOREIGN KEY ("member_id") REFERENCES "cadet_member"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "cadet_attendance" DROP CONSTRAINT "FK_71ac5f89915216b835a52ec5903"`);
        await queryRunner.query(`ALTER TABLE "cadet_attendance" DROP CONSTRAINT "FK_99cbbcdb7580053a714e42b2a53"`);
        await queryRunner.query(`ALTER TABLE "cadet_session" DROP CONSTRAINT "FK_e3340d3f97c99b0bf850fa6c1ac"`);
        await queryRunner.query(`ALTER TABLE "cadet_member" DROP CONSTRAINT "FK_d44e8996bc67848002f61b5b0ac"`);
        await queryRunner.query(`ALTER TABLE "cadet_unit" DROP CONSTRAINT "FK_5fc2652025bf86b26944bff8969"`);
        await queryRunner.query(`DROP INDEX "public"."idx_cadet_attendance_member"`);
        await queryRunner.query(`DROP TABLE "cadet_attendance"`);
        await queryRunner.query(`DROP TABLE "cadet_session"`);
        await queryRunner.query(`DROP INDEX "public"."idx_cadet_member_unit_active"`);
        await queryRunner.query(`DROP INDEX "public"."uq_cadet_member_active"`);
        await queryRunner.query(`DROP TABLE "cadet_member"`);
        await queryRunner.query(`DROP TABLE "cadet_unit"`);
    }
}
