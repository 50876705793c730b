import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audience-cell refresh runs inside the statement that wrote the residents, before anything
 * has analysed the rows it just wrote: the planner, believing the tables nearly empty, chose
 * nested loops over sequential scans, so refreshing N new residents cost N² (a demo seed of 87,500
 * spent over 300 s in one `INSERT INTO resident_channel`). Without nested loops it hash-joins the
 * sets, whose scans are index lookups by `= ANY(ids)`: linear for a bulk write, a few rows for one
 * resident.
 */
export class AudienceRefreshNoNestedLoops1796512000004 implements MigrationInterface {
  name = 'AudienceRefreshNoNestedLoops1796512000004';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER FUNCTION "resident_audience_refresh"(uuid[]) SET enable_nestloop = off`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER FUNCTION "resident_audience_refresh"(uuid[]) RESET enable_nestloop`);
  }
}
