import type { MigrationInterface, QueryRunner } from 'typeorm';
// Reviewed. Hand-added (TypeORM cannot express them):
// - btree_gist, needed by the EXCLUDE constraint on patrol_volunteer (uuid equality in a GiST
//   index). It is a trusted extension (PostgreSQL 13+), so a database owner may create it;
//   `down` leaves it installed because other schemas may use it.
// - the built-in scheme types, as reference data: a force adds more rows, never code.

export class Schemes1795399769475 implements MigrationInterface {
    name = 'Schemes1795399769475';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
        await queryRunner.query(`CREATE TABLE "scheme_type" ("code" character varying(30) NOT NULL, "name" character varying(80) NOT NULL, CONSTRAINT "PK_2f4323024c564eab3e47e406bbe" PRIMARY KEY ("code"))`);
        // Reference data: the four scheme types every force runs.
        await queryRunner.query(`INSERT INTO "scheme_type" ("code", "name") VALUES ('neighbourhood_watch', 'Neighbourhood Watch'), ('street_watch', 'Street Watch'), ('canal_watch', 'Canal Watch'), ('business_watch', 'Business Watch') ON CONFLICT ("code") DO NOTHING`);
        await queryRunner.query(`CREATE TABLE "scheme" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" character varying(30) NOT NULL, "name" character varying(120) NOT NULL, "ward_code" character varying(16) NOT NULL, "coordinator_resident_id" uuid, "status" character varying(10) NOT NULL DEFAULT 'active', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_scheme_status" CHECK ("status" IN ('active', 'closed')), CONSTRAINT "PK_76643bf1d7e629d8bc8af8ac917" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_scheme_coordinator" ON "scheme"  ("coordinator_resident_id") WHERE coordinator_resident_id IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "idx_scheme_type_status" ON "scheme"  ("type", "status") `);
        await queryRunner.query(`CREATE INDEX "idx_scheme_ward" ON "scheme"  ("ward_code") `);
        await queryRunner.query(`CREATE TABLE "scheme_member" ("scheme_id" uuid NOT NULL, "resident_id" uuid NOT NULL, "joined_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2eed54142a9db1c5395dc3f803c" PRIMARY KEY ("scheme_id", "resident_id"))`);
        await queryRunner.query(`CREATE INDEX "idx_scheme_member_resident" ON "scheme_member"  ("resident_id") `);
        await queryRunner.query(`CREATE TABLE "patrol" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "scheme_id" uuid NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "route" character varying(2000) NOT NULL, "created_by" character varying(60) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_patrol_times" CHECK ("starts_at" < "ends_at"), CONSTRAINT "PK_ba3e208585493f0180562aae342" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_patrol_starts" ON "patrol"  ("starts_at") `);
        await queryRunner.query(`CREATE INDEX "idx_patrol_scheme_starts" ON "patrol"  ("scheme_id", "starts_at") `);
        await queryRunner.query(`CREATE TABLE "patrol_volunteer" ("patrol_id" uuid NOT NULL, "resident_id" uuid NOT NULL, "during" tstzrange NOT NULL, CONSTRAINT "ex_patrol_volunteer_no_overlap" EXCLUDE USING gist ("resident_id" WITH =, "during" WITH &&), CONSTRAINT "PK_23cbc320b06e73790ada8213737" PRIMARY KEY ("patrol_id", "resident_id"))`);
        await queryRunner.query(`CREATE TABLE "patrol_report" ("patrol_id" uuid NOT NULL, "observations" character varying(5000) NOT NULL, "reported_by" character varying(60) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9e9ce1ad85982553abe83390b00" PRIMARY KEY ("patrol_id"))`);
        await queryRunner.query(`CREATE TABLE "scheme_target" ("npu_code" character varying(8) NOT NULL, "type" character varying(30) NOT NULL, "target" integer NOT NULL, "due_date" date NOT NULL, "set_by" character varying(60) NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_scheme_target_non_negative" CHECK ("target" >= 0), CONSTRAINT "PK_aca6243f0f631961127e54e80c2" PRIMARY KEY ("npu_code", "type"))`);
        await queryRunner.query(`ALTER TABLE "scheme" ADD CONSTRAINT "FK_1a2b16a5870e519465915318a26" FOREIGN KEY ("type") REFERENCES "scheme_type"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "scheme" ADD CONSTRAINT "FK_71c128d288819754c75fe8fdba4" FOREIGN KEY ("ward_code") REFERENCES "ward"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "scheme" ADD CONSTRAINT "FK_10972c3144c70fcae5b71f15ca3" FOREIGN KEY ("coordinator_resident_id") REFERENCES "resident"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "scheme_member" ADD CONSTRAINT "FK_3a713aceee7ec387f994ac2fe3a" FOREIGN KEY ("scheme_id") REFERENCES "scheme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "scheme_member" ADD CONSTRAINT "FK_45e8db6068c892ae2c976f1661d" FOREIGN KEY ("resident_id") REFERENCES "resident"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "patrol" ADD CONSTRAINT "FK_c1e5de682ee79d8f8fefc8c3db0" FOREIGN KEY ("scheme_id") REFERENCES "scheme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "patrol_volunteer" ADD CONSTRAINT "FK_d8245b0bc5fc95ef3984350bf86" FOREIGN KEY ("patrol_id") REFERENCES "patrol"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "patrol_volunteer" ADD CONSTRAINT "FK_16ae6b31de3c675418699119c3d" FOREIGN KEY ("resident_id") REFERENCES "resident"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "patrol_report" ADD CONSTRAINT "FK_9e9ce1ad85982553abe83390b00" FOREIGN KEY ("patrol_id") REFERENCES "patrol"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "scheme_target" ADD CONSTRAINT "FK_b41aec5f123a8a8600dbd9c7e58" FOREIGN KEY ("npu_code") REFERENCES "npu"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "scheme_target" ADD CONSTRAINT "FK_89bd6d91a5ade3a5f2a5dd2ddd5" FOREIGN KEY ("type") REFERENCES "scheme_type"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "scheme_target" DROP CONSTRAINT "FK_89bd6d91a5ade3a5f2a5dd2ddd5"`);
        await queryRunner.query(`ALTER TABLE "scheme_target" DROP CONSTRAINT "FK_b41aec5f123a8a8600dbd9c7e58"`);
        await queryRunner.query(`ALTER TABLE "patrol_report" DROP CONSTRAINT "FK_9e9ce1ad85982553abe83390b00"`);
        await queryRunner.query(`ALTER TABLE "patrol_volunteer" DROP CONSTRAINT "FK_16ae6b31de3c675418699119c3d"`);
        await queryRunner.query(`ALTER TABLE "patrol_volunteer" DROP CONSTRAINT "FK_d8245b0bc5fc95ef3984350bf86"`);
        await queryRunner.query(`ALTER TABLE "patrol" DROP CONSTRAINT "FK_c1e5de682ee79d8f8fefc8c3db0"`);
        await queryRunner.query(`ALTER TABLE "scheme_member" DROP CONSTRAINT "FK_45e8db6068c892ae2c976f1661d"`);
        await queryRunner.query(`ALTER TABLE "scheme_member" DROP CONSTRAINT "FK_3a713aceee7ec387f994ac2fe3a"`);
        await queryRunner.query(`ALTER TABLE "scheme" DROP CONSTRAINT "FK_10972c3144c70fcae5b71f15ca3"`);
        await queryRunner.query(`ALTER TABLE "scheme" DROP CONSTRAINT "FK_71c128d288819754c75fe8fdba4"`);
        await queryRunner.query(`ALTER TABLE "scheme" DROP CONSTRAINT "FK_1a2b16a5870e519465915318a26"`);
        await queryRunner.query(`DROP TABLE "scheme_target"`);
        await queryRunner.query(`DROP TABLE "patrol_report"`);
        await queryRunner.query(`DROP TABLE "patrol_volunteer"`);
        await queryRunner.query(`DROP INDEX "public"."idx_patrol_scheme_starts"`);
        await queryRunner.query(`DROP INDEX "public"."idx_patrol_starts"`);
        await queryRunner.query(`DROP TABLE "patrol"`);
        await queryRunner.query(`DROP INDEX "public"."idx_scheme_member_resident"`);
        await queryRunner.query(`DROP TABLE "scheme_member"`);
        await queryRunner.query(`DROP INDEX "public"."idx_scheme_ward"`);
        await queryRunner.query(`DROP INDEX "public"."idx_scheme_type_status"`);
        await queryRunner.query(`DROP INDEX "public"."idx_scheme_coordinator"`);
        await queryRunner.query(`DROP TABLE "scheme"`);
        await queryRunner.query(`DROP TABLE "scheme_type"`);
    }
}
