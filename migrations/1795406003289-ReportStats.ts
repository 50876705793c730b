import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportStats1795406003289 implements MigrationInterface {
    name = 'ReportStats1795406003289';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "resident_month_stats" ("ward_code" character varying(16) NOT NULL, "month" date NOT NULL, "joined" integer NOT NULL DEFAULT '0', "left" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_136812ced779e33a6c07f402284" PRIMARY KEY ("ward_code", "month"))`);
        await queryRunner.query(`CREATE TABLE "resident_profile_stats" ("ward_code" character varying(16) NOT NULL, "dimension" character varying(20) NOT NULL, "category" character varying(40) NOT NULL, "subscribers" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_c63d8652da8fd1178051587bc94" PRIMARY KEY ("ward_code", "dimension", "category"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "resident_profile_stats"`);
        await queryRunner.query(`DROP TABLE "resident_month_stats"`);
    }
}
