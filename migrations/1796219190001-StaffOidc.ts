import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StaffOidc1796219190001 implements MigrationInterface {
    name = 'StaffOidc1796219190001';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "staff" ADD "oidc_subject" character varying(400)`);
        await queryRunner.query(`ALTER TABLE "staff" ALTER COLUMN "password_hash" DROP NOT NULL`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_staff_oidc_subject" ON "staff" ("oidc_subject") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."uq_staff_oidc_subject"`);
        await queryRunner.query(`UPDATE "staff" SET "password_hash" = 'disabled' WHERE "password_hash" IS NULL`);
        await queryRunner.query(`ALTER TABLE "staff" ALTER COLUMN "password_hash" SET NOT NULL`);
        await queryRunner.query(`ALTER TABLE "staff" DROP COLUMN "oidc_subject"`);
    }
}
