import type { MigrationInterface, QueryRunner } from 'typeorm';
// Reviewed: rate_limit_bucket is UNLOGGED (counters need no crash safety and no WAL).

export class Initial1795399254187 implements MigrationInterface {
    name = 'Initial1795399254187';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "audit_event" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "actor" text NOT NULL, "action" text NOT NULL, "subject" text NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "data" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_481efbe8b0a403efe3f47a6528f" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_audit_event_actor" ON "audit_event"  ("actor", "at") `);
        await queryRunner.query(`CREATE INDEX "idx_audit_event_subject" ON "audit_event"  ("subject", "at") `);
        await queryRunner.query(`CREATE UNLOGGED TABLE "rate_limit_bucket" ("key" text NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "hits" integer NOT NULL, CONSTRAINT "PK_297f92caac7bd103dfaf6d95490" PRIMARY KEY ("key", "window_start"))`);
        await queryRunner.query(`CREATE TABLE "npu" ("code" character varying(8) NOT NULL, "name" character varying(120) NOT NULL, CONSTRAINT "PK_e5720047f828535d3dde54d30e3" PRIMARY KEY ("code"))`);
        await queryRunner.query(`CREATE TABLE "neighbourhood" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "npu_code" character varying(8) NOT NULL, "name" character varying(120) NOT NULL, CONSTRAINT "uq_neighbourhood_npu_name" UNIQUE ("npu_code", "name"), CONSTRAINT "PK_77136172443298a4aa0b98b205f" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "ward" ("code" character varying(16) NOT NULL, "name" character varying(120) NOT NULL, "npu_code" character varying(8) NOT NULL, "neighbourhood_id" uuid NOT NULL, "population" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_14bd787455693efede59d248a7d" PRIMARY KEY ("code"))`);
        await queryRunner.query(`CREATE INDEX "idx_ward_neighbourhood" ON "ward"  ("neighbourhood_id") `);
        await queryRunner.query(`CREATE INDEX "idx_ward_npu" ON "ward"  ("npu_code") `);
        await queryRunner.query(`CREATE TABLE "staff" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(254) NOT NULL, "password_hash" text NOT NULL, "name" character varying(120) NOT NULL, "role" character varying(20) NOT NULL, "npu_code" character varying(8), "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e4ee98bb552756c180aec1e854a" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_staff_npu" ON "staff"  ("npu_code") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_staff_email" ON "staff"  ("email") `);
        await queryRunner.query(`ALTER TABLE "neighbourhood" ADD CONSTRAINT "FK_07ceb9eb484f1e57b9894fbfd1c" FOREIGN KEY ("npu_code") REFERENCES "npu"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "ward" ADD CONSTRAINT "FK_0aafdc2d2ef93bb9a459854d489" FOREIGN KEY ("npu_code") REFERENCES "npu"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "ward" ADD CONSTRAINT "FK_e5bc51af632505afb0be8dbf8df" FOREIGN KEY ("neighbourhood_id") REFERENCES "neighbourhood"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "staff" ADD CONSTRAINT "FK_e40386ba51a4297c8357bfbc273" FOREIGN KEY ("npu_code") REFERENCES "npu"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "staff" DROP CONSTRAINT "FK_e40386ba51a4297c8357bfbc273"`);
        await queryRunner.query(`ALTER TABLE "ward" DROP CONSTRAINT "FK_e5bc51af632505afb0be8dbf8df"`);
        await queryRunner.query(`ALTER TABLE "ward" DROP CONSTRAINT "FK_0aafdc2d2ef93bb9a459854d489"`);
        await queryRunner.query(`ALTER TABLE "neighbourhood" DROP CONSTRAINT "FK_07ceb9eb484f1e57b9894fbfd1c"`);
        await queryRunner.query(`DROP INDEX "public"."uq_staff_email"`);
        await queryRunner.query(`DROP INDEX "public"."idx_staff_npu"`);
        await queryRunner.query(`DROP TABLE "staff"`);
        await queryRunner.query(`DROP INDEX "public"."idx_ward_npu"`);
        await queryRunner.query(`DROP INDEX "public"."idx_ward_neighbourhood"`);
        await queryRunner.query(`DROP TABLE "ward"`);
        await queryRunner.query(`DROP TABLE "neighbourhood"`);
        await queryRunner.query(`DROP TABLE "npu"`);
        await queryRunner.query(`DROP TABLE "rate_limit_bucket"`);
        await queryRunner.query(`DROP INDEX "public"."idx_audit_event_subject"`);
        await queryRunner.query(`DROP INDEX "public"."idx_audit_event_actor"`);
        await queryRunner.query(`DROP TABLE "audit_event"`);
    }
}
