import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StaffMfa1796219190002 implements MigrationInterface {
    name = 'StaffMfa1796219190002';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "staff" ADD "totp_secret" text`);
        await queryRunner.query(`ALTER TABLE "staff" ADD "totp_enabled_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "staff" ADD "totp_last_step" bigint`);
        await queryRunner.query(`ALTER TABLE "staff_session" ADD "pending_mfa" boolean NOT NULL DEFAULT false`);
        await queryRunner.query(`CREATE TABLE "staff_recovery_code" ("staff_id" uuid NOT NULL, "code_hash" character(64) NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_staff_recovery_code" PRIMARY KEY ("staff_id", "code_hash"))`);
        await queryRunner.query(`ALTER TABLE "staff_recovery_code" ADD CONSTRAINT "FK_staff_recovery_code_staff" FOREIGN KEY ("staff_id") REFERENCES "staff"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "staff_recovery_code" DROP CONSTRAINT "FK_staff_recovery_code_staff"`);
        await queryRunner.query(`DROP TABLE "staff_recovery_code"`);
        await queryRunner.query(`ALTER TABLE "staff_session" DROP COLUMN "pending_mfa"`);
        await queryRunner.query(`ALTER TABLE "staff" DROP COLUMN "totp_last_step"`);
        await queryRunner.query(`ALTER TABLE "staff" DROP COLUMN "totp_enabled_at"`);
        await queryRunner.query(`ALTER TABLE "staff" DROP COLUMN "totp_secret"`);
    }
}
