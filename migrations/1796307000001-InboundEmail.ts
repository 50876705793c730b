import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two-way e-mail (issue 20): inbound_email (raw replies, bounces and complaints, kept days),
 * bounce status and complaint time on delivery, soft-bounce runs on resident_channel, and on
 * reply the delivery and thread ids of an e-mail reply. Every column added to the large tables
 * is nullable or has a constant default: no table rewrite.
 */
export class InboundEmail1796307000001 implements MigrationInterface {
    name = 'InboundEmail1796307000001';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "inbound_email" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "via" character varying(8) NOT NULL, "recipient" character varying(254), "raw" bytea NOT NULL, "size" integer NOT NULL, "outcome" character varying(16) NOT NULL DEFAULT 'pending', "detail" character varying(200), "resident_id" uuid, "delivery_id" bigint, "reply_id" uuid, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "processed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "ck_inbound_email_via" CHECK (via IN ('smtp', 'webhook')), CONSTRAINT "ck_inbound_email_outcome" CHECK (outcome IN ('pending', 'reply', 'auto_reply', 'bounce', 'soft_bounce', 'delayed', 'complaint', 'dropped', 'ignored', 'rate_limited')), CONSTRAINT "PK_72dfbf0cb49a0bf62c5b4732d92" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_inbound_email_resident" ON "inbound_email"  ("resident_id") WHERE resident_id IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "idx_inbound_email_received" ON "inbound_email"  ("received_at") `);
        await queryRunner.query(`ALTER TABLE "resident_channel" ADD "soft_bounces" smallint NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "delivery" ADD "bounce_status" character varying(10)`);
        await queryRunner.query(`ALTER TABLE "delivery" ADD "complained_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "reply" ADD "delivery_id" bigint`);
        await queryRunner.query(`ALTER TABLE "reply" ADD "email_message_id" character varying(255)`);
        await queryRunner.query(`ALTER TABLE "reply" ADD "email_references" character varying(1000)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "reply" DROP COLUMN "email_references"`);
        await queryRunner.query(`ALTER TABLE "reply" DROP COLUMN "email_message_id"`);
        await queryRunner.query(`ALTER TABLE "reply" DROP COLUMN "delivery_id"`);
        await queryRunner.query(`ALTER TABLE "delivery" DROP COLUMN "complained_at"`);
        await queryRunner.query(`ALTER TABLE "delivery" DROP COLUMN "bounce_status"`);
        await queryRunner.query(`ALTER TABLE "resident_channel" DROP COLUMN "soft_bounces"`);
        await queryRunner.query(`DROP INDEX "public"."idx_inbound_email_received"`);
        await queryRunner.query(`DROP INDEX "public"."idx_inbound_email_resident"`);
        await queryRunner.query(`DROP TABLE "inbound_email"`);
    }
}
