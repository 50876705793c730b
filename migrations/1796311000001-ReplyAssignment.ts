import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReplyAssignment1796311000001 implements MigrationInterface {
    name = 'ReplyAssignment1796311000001';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "reply" ADD "assigned_to_id" uuid`);
        await queryRunner.query(`ALTER TABLE "reply" ADD "read_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`CREATE INDEX "idx_reply_assigned" ON "reply" ("assigned_to_id", "status", "created_at", "id") WHERE assigned_to_id IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "idx_rating_commented" ON "rating" ("updated_at") WHERE comment IS NOT NULL`);
        await queryRunner.query(`ALTER TABLE "reply" ADD CONSTRAINT "FK_reply_assigned_to" FOREIGN KEY ("assigned_to_id") REFERENCES "staff"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "reply" DROP CONSTRAINT "FK_reply_assigned_to"`);
        await queryRunner.query(`DROP INDEX "public"."idx_rating_commented"`);
        await queryRunner.query(`DROP INDEX "public"."idx_reply_assigned"`);
        await queryRunner.query(`ALTER TABLE "reply" DROP COLUMN "read_at"`);
        await queryRunner.query(`ALTER TABLE "reply" DROP COLUMN "assigned_to_id"`);
    }
}
