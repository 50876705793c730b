import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StaffSession1796016100000 implements MigrationInterface {
    name = 'StaffSession1796016100000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "staff_session" ("id_hash" character(64) NOT NULL, "staff_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ip" character varying(64), "user_agent" character varying(300), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_staff_session" PRIMARY KEY ("id_hash"))`);
        await queryRunner.query(`CREATE INDEX "idx_staff_session_staff" ON "staff_session" ("staff_id") `);
        await queryRunner.query(`ALTER TABLE "staff_session" ADD CONSTRAINT "FK_staff_session_staff" FOREIGN KEY ("staff_id") REFERENCES "staff"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "staff_session" DROP CONSTRAINT "FK_staff_session_staff"`);
        await queryRunner.query(`DROP INDEX "public"."idx_staff_session_staff"`);
        await queryRunner.query(`DROP TABLE "staff_session"`);
    }
}
