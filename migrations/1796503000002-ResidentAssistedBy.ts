import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The staff member who assisted a sign-up (door knock, street, event: staff "add on behalf"), for
 * the attribution report's sign-ups per officer and per team (issue 22). Not personal data of the
 * resident: kept on erasure, like source and campaign code.
 */
export class ResidentAssistedBy1796503000002 implements MigrationInterface {
  name = 'ResidentAssistedBy1796503000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "resident" ADD "assisted_by" uuid`);
    await queryRunner.query(`CREATE INDEX "idx_resident_assisted" ON "resident" ("assisted_by", "activated_at") WHERE assisted_by IS NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_resident_assisted"`);
    await queryRunner.query(`ALTER TABLE "resident" DROP COLUMN "assisted_by"`);
  }
}
