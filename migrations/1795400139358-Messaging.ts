import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Messaging1795400139358 implements MigrationInterface {
    name = 'Messaging1795400139358';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "message" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "author_id" uuid NOT NULL, "npu_code" character varying(8), "title" character varying(200) NOT NULL, "body" text NOT NULL, "category" character varying(40) NOT NULL, "priority" character varying(12) NOT NULL DEFAULT 'standard', "channels" character varying array NOT NULL, "audience" jsonb NOT NULL, "ward_codes" character varying array NOT NULL DEFAULT '{}', "status" character varying(20) NOT NULL DEFAULT 'draft', "scheduled_at" TIMESTAMP WITH TIME ZONE, "send_requested_at" TIMESTAMP WITH TIME ZONE, "sent_at" TIMESTAMP WITH TIME ZONE, "recipient_count" integer, "approved_by" uuid, "approved_at" TIMESTAMP WITH TIME ZONE, "paused_reason" character varying(300), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ba01f0a3e0123651915008bc578" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_message_sent_at" ON "message"  ("sent_at") WHERE sent_at IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "idx_message_author_created" ON "message"  ("author_id", "created_at") `);
        await queryRunner.query(`CREATE INDEX "idx_message_npu_created" ON "message"  ("npu_code", "created_at") `);
        await queryRunner.query(`CREATE TABLE "delivery" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "message_id" uuid NOT NULL, "resident_id" uuid NOT NULL, "channel" character varying(8) NOT NULL, "status" character varying(10) NOT NULL DEFAULT 'queued', "provider_id" character varying(120), "attempts" smallint NOT NULL DEFAULT '0', "last_error" character varying(500), "not_before" TIMESTAMP WITH TIME ZONE, "claimed_at" TIMESTAMP WITH TIME ZONE, "sent_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_delivery_message_resident_channel" UNIQUE ("message_id", "resident_id", "channel"), CONSTRAINT "PK_ffad7bf84e68716cd9af89003b0" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_delivery_provider" ON "delivery"  ("provider_id") WHERE provider_id IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "idx_delivery_sending" ON "delivery"  ("claimed_at") WHERE status = 'sending'`);
        await queryRunner.query(`CREATE INDEX "idx_delivery_pending" ON "delivery"  ("message_id", "channel", "id") WHERE status = 'queued'`);
        await queryRunner.query(`CREATE TABLE "message_channel_health" ("message_id" uuid NOT NULL, "channel" character varying(8) NOT NULL, "consecutive_errors" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_2642f5a8f8139b8d636f520033b" PRIMARY KEY ("message_id", "channel"))`);
        await queryRunner.query(`ALTER TABLE "message" ADD CONSTRAINT "FK_27675d1d5b9dbaabc0546aeb0a1" FOREIGN KEY ("author_id") REFERENCES "staff"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "message" ADD CONSTRAINT "FK_819d2001abb0bcc2915881be906" FOREIGN KEY ("npu_code") REFERENCES "npu"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "message_channel_health" ADD CONSTRAINT "FK_cb7c4faf0b657d125f879e5d5af" FOREIGN KEY ("message_id") REFERENCES "message"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "message_channel_health" DROP CONSTRAINT "FK_cb7c4faf0b657d125f879e5d5af"`);
        await queryRunner.query(`ALTER TABLE "message" DROP CONSTRAINT "FK_819d2001abb0bcc2915881be906"`);
        await queryRunner.query(`ALTER TABLE "message" DROP CONSTRAINT "FK_27675d1d5b9dbaabc0546aeb0a1"`);
        await queryRunner.query(`DROP TABLE "message_channel_health"`);
        await queryRunner.query(`DROP INDEX "public"."idx_delivery_pending"`);
        await queryRunner.query(`DROP INDEX "public"."idx_delivery_sending"`);
        await queryRunner.query(`DROP INDEX "public"."idx_delivery_provider"`);
        await queryRunner.query(`DROP TABLE "delivery"`);
        await queryRunner.query(`DROP INDEX "public"."idx_message_npu_created"`);
        await queryRunner.query(`DROP INDEX "public"."idx_message_author_created"`);
        await queryRunner.query(`DROP INDEX "public"."idx_message_sent_at"`);
        await queryRunner.query(`DROP TABLE "message"`);
    }
}
