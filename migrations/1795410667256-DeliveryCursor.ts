import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeliveryCursor1795410667256 implements MigrationInterface {
    name = 'DeliveryCursor1795410667256';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_delivery_pending"`);
        await queryRunner.query(`CREATE TABLE "delivery_cursor" ("message_id" uuid NOT NULL, "channel" character varying(8) NOT NULL, "part" smallint NOT NULL, "parts" smallint NOT NULL, "after_resident" uuid NOT NULL, "last_resident" uuid NOT NULL, "inserted" integer NOT NULL DEFAULT '0', "exhausted" boolean NOT NULL DEFAULT false, CONSTRAINT "PK_fdf814475350821489ec63e7780" PRIMARY KEY ("message_id", "channel", "part"))`);
        // Hand-added: rows of broadcasts in progress during the upgrade have no delivery_cursor
        // range; giving their queued rows a not_before puts them in idx_delivery_retry, where
        // the new claims find them (the sweeper wakes their messages within a minute).
        await queryRunner.query(`UPDATE "delivery" SET "not_before" = now() WHERE "status" = 'queued' AND "not_before" IS NULL AND "message_id" IN (SELECT "id" FROM "message" WHERE "status" IN ('sending', 'paused'))`);
        await queryRunner.query(`CREATE INDEX "idx_delivery_retry" ON "delivery"  ("message_id", "channel", "not_before") WHERE status = 'queued' AND not_before IS NOT NULL`);
        await queryRunner.query(`ALTER TABLE "delivery_cursor" ADD CONSTRAINT "FK_a6c6a6dd0f5d152b96a8b49286f" FOREIGN KEY ("message_id") REFERENCES "message"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        // Hand-added: the fan-out inserts ranges in parallel sessions; each session takes ids 1,000
        // at a time instead of contending for the sequence on every row (measured: 8.5 s → 6.4 s
        // for 1.33M rows in two parallel ranges). TypeORM does not model sequence caching.
        await queryRunner.query(`ALTER TABLE "delivery" ALTER COLUMN "id" SET CACHE 1000`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "delivery" ALTER COLUMN "id" SET CACHE 1`);
        await queryRunner.query(`ALTER TABLE "delivery_cursor" DROP CONSTRAINT "FK_a6c6a6dd0f5d152b96a8b49286f"`);
        await queryRunner.query(`DROP INDEX "public"."idx_delivery_retry"`);
        await queryRunner.query(`DROP TABLE "delivery_cursor"`);
        await queryRunner.query(`CREATE INDEX "idx_delivery_pending" ON "delivery" USING btree ("message_id", "channel", "id") WHERE ((status)::text = 'queued'::text)`);
    }
}
