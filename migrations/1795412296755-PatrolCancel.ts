import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PatrolCancel1795412296755 implements MigrationInterface {
    name = 'PatrolCancel1795412296755';

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Reviewed: the old constraint is dropped and the partial one added in the same transaction;
        // DROP CONSTRAINT holds ACCESS EXCLUSIVE on patrol_volunteer until commit, so no plan slips in between.
        // Existing rows take the defaults: every patrol so far is planned, every volunteer row not cancelled.
        await queryRunner.query(`ALTER TABLE "patrol_volunteer" DROP CONSTRAINT "ex_patrol_volunteer_no_overlap"`);
        await queryRunner.query(`ALTER TABLE "patrol" ADD "status" character varying(10) NOT NULL DEFAULT 'planned'`);
        await queryRunner.query(`ALTER TABLE "patrol" ADD "cancelled_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "patrol" ADD "cancelled_by" character varying(60)`);
        await queryRunner.query(`ALTER TABLE "patrol" ADD "cancel_reason" character varying(500)`);
        await queryRunner.query(`ALTER TABLE "patrol_volunteer" ADD "cancelled" boolean NOT NULL DEFAULT false`);
        await queryRunner.query(`ALTER TABLE "patrol" ADD CONSTRAINT "ck_patrol_cancellation" CHECK (("status" = 'cancelled') = ("cancelled_at" IS NOT NULL AND "cancelled_by" IS NOT NULL) AND ("status" = 'cancelled' OR "cancel_reason" IS NULL))`);
        await queryRunner.query(`ALTER TABLE "patrol" ADD CONSTRAINT "ck_patrol_status" CHECK ("status" IN ('planned', 'cancelled'))`);
        await queryRunner.query(`ALTER TABLE "patrol_volunteer" ADD CONSTRAINT "ex_patrol_volunteer_planned_no_overlap" EXCLUDE USING gist ("resident_id" WITH =, "during" WITH &&) WHERE (NOT "cancelled")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        // Added by hand: the old schema has no cancelled patrols, and its constraint cannot be restored
        // while a freed volunteer is booked on a patrol overlapping a cancelled one, so cancelled patrols go.
        await queryRunner.query(`DELETE FROM "patrol" WHERE "status" = 'cancelled'`);
        await queryRunner.query(`ALTER TABLE "patrol_volunteer" DROP CONSTRAINT "ex_patrol_volunteer_planned_no_overlap"`);
        await queryRunner.query(`ALTER TABLE "patrol" DROP CONSTRAINT "ck_patrol_status"`);
        await queryRunner.query(`ALTER TABLE "patrol" DROP CONSTRAINT "ck_patrol_cancellation"`);
        await queryRunner.query(`ALTER TABLE "patrol_volunteer" DROP COLUMN "cancelled"`);
        await queryRunner.query(`ALTER TABLE "patrol" DROP COLUMN "cancel_reason"`);
        await queryRunner.query(`ALTER TABLE "patrol" DROP COLUMN "cancelled_by"`);
        await queryRunner.query(`ALTER TABLE "patrol" DROP COLUMN "cancelled_at"`);
        await queryRunner.query(`ALTER TABLE "patrol" DROP COLUMN "status"`);
        await queryRunner.query(`ALTER TABLE "patrol_volunteer" ADD CONSTRAINT "ex_patrol_volunteer_no_overlap" EXCLUDE USING gist (resident_id WITH =, during WITH &&)`);
    }
}
