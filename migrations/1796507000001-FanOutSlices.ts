import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fan-out writes each resident-id range in committed slices (the first small), so senders
 * start on the first slice while the rest is written (issue 24). `written_upto` is how far a
 * range's rows are committed; NULL: the whole range is written (every row before this column).
 */
export class FanOutSlices1796507000001 implements MigrationInterface {
  name = 'FanOutSlices1796507000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "delivery_cursor" ADD "written_upto" uuid`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "delivery_cursor" DROP COLUMN "written_upto"`);
  }
}
