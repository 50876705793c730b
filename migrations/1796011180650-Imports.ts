import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Imports1796011180650 implements MigrationInterface {
    name = 'Imports1796011180650';

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Reviewed: import_resident_row is UNLOGGED by hand (staging for COPY; TypeORM cannot say so, and
        // does not compare it): a crash empties it, and the commit then asks for the file again.
        await queryRunner.query(`CREATE TABLE "resident_import" ("resident_id" uuid NOT NULL, "import_id" uuid NOT NULL, "source_system" character varying(40) NOT NULL, "signed_up_at" TIMESTAMP WITH TIME ZONE, "created" boolean NOT NULL, "imported_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ee1361db2ed5971f2f138bb07e6" PRIMARY KEY ("resident_id"))`);
        await queryRunner.query(`CREATE INDEX "idx_resident_import_import" ON "resident_import"  ("import_id") `);
        await queryRunner.query(`CREATE TABLE "data_import" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(16) NOT NULL, "status" character varying(16) NOT NULL, "npu_code" character varying(8), "created_by" uuid NOT NULL, "committed_by" uuid, "mapping" character varying(40) NOT NULL, "file_sha256" character varying(64) NOT NULL, "file_bytes" bigint NOT NULL, "rows" integer NOT NULL, "accepted" integer NOT NULL, "rejected" integer NOT NULL, "duplicates" integer NOT NULL, "matched" integer NOT NULL, "result" jsonb, "error" character varying(500), "committed_at" TIMESTAMP WITH TIME ZONE, "purged_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_755c3a88694c220eb49d8baccf1" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_data_import_created" ON "data_import"  ("created_at") `);
        await queryRunner.query(`CREATE INDEX "idx_data_import_status" ON "data_import"  ("status") `);
        await queryRunner.query(`CREATE UNLOGGED TABLE "import_resident_row" ("import_id" uuid NOT NULL, "line" integer NOT NULL, "invalid_reason" character varying(300), "raw" jsonb, "outcome" character varying(12), "reason" character varying(300), "resident_id" uuid, "match_by" character varying(8), "email" character varying(254), "phone" character varying(16), "first_name" character varying(80), "last_name" character varying(80), "postcode" character varying(10), "ward_code" character varying(16), "channels" character varying array, "topics" character varying array, "interests" character varying array, "consent_at" TIMESTAMP WITH TIME ZONE, "signed_up_at" TIMESTAMP WITH TIME ZONE, "email_verified" boolean, "phone_verified" boolean, "source_system" character varying(40), "age_band" character varying(20), "ethnicity" character varying(40), "language" character varying(40), CONSTRAINT "PK_8d376ea4a384f1873433c6f3503" PRIMARY KEY ("import_id", "line"))`);
        await queryRunner.query(`CREATE TABLE "import_rejection" ("import_id" uuid NOT NULL, "line" integer NOT NULL, "reason" character varying(300) NOT NULL, "raw" jsonb, CONSTRAINT "PK_dcfba4c53664bdf7bd1afb22b42" PRIMARY KEY ("import_id", "line"))`);
        await queryRunner.query(`ALTER TABLE "resident_import" ADD CONSTRAINT "FK_ee1361db2ed5971f2f138bb07e6" FOREIGN KEY ("resident_id") REFERENCES "resident"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "resident_import" DROP CONSTRAINT "FK_ee1361db2ed5971f2f138bb07e6"`);
        await queryRunner.query(`DROP TABLE "import_rejection"`);
        await queryRunner.query(`DROP TABLE "import_resident_row"`);
        await queryRunner.query(`DROP INDEX "public"."idx_data_import_status"`);
        await queryRunner.query(`DROP INDEX "public"."idx_data_import_created"`);
        await queryRunner.query(`DROP TABLE "data_import"`);
        await queryRunner.query(`DROP INDEX "public"."idx_resident_import_import"`);
        await queryRunner.query(`DROP TABLE "resident_import"`);
    }
}
