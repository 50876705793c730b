import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StaffSignInThrottle1796304000001 implements MigrationInterface {
    name = 'StaffSignInThrottle1796304000001';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "staff_sign_in_throttle" ("key" character varying(80) NOT NULL, "failures" integer NOT NULL, "last_failure_at" TIMESTAMP WITH TIME ZONE NOT NULL, "blocked_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_staff_sign_in_throttle" PRIMARY KEY ("key"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "staff_sign_in_throttle"`);
    }
}
