import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When the reports' pre-aggregated figures were last recomputed (shown on the console's reports). */
export class ReportRefresh1796215150000 implements MigrationInterface {
  name = 'ReportRefresh1796215150000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "report_refresh" ("name" character varying(40) NOT NULL, "refreshed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_report_refresh" PRIMARY KEY ("name"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "report_refresh"`);
  }
}
