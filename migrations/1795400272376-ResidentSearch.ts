import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ResidentSearch1795400272376 implements MigrationInterface {
    name = 'ResidentSearch1795400272376';

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Edited by hand: staff search is a case-insensitive prefix match (`lower(x) LIKE 'q%'`),
        // which needs expression indexes with pattern operator classes under any collation.
        // TypeORM cannot express these, so the entity declares them with synchronize: false.
        await queryRunner.query(`CREATE INDEX "idx_resident_email_prefix" ON "resident"  ("email" varchar_pattern_ops)`);
        await queryRunner.query(`CREATE INDEX "idx_resident_last_name_prefix" ON "resident"  (lower("last_name") text_pattern_ops)`);
        await queryRunner.query(`CREATE INDEX "idx_resident_first_name_prefix" ON "resident"  (lower("first_name") text_pattern_ops)`);
        await queryRunner.query(`CREATE INDEX "idx_resident_created" ON "resident"  ("created_at", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_resident_created"`);
        await queryRunner.query(`DROP INDEX "public"."idx_resident_first_name_prefix"`);
        await queryRunner.query(`DROP INDEX "public"."idx_resident_last_name_prefix"`);
        await queryRunner.query(`DROP INDEX "public"."idx_resident_email_prefix"`);
    }
}
