import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Replay protection of inbound webhooks (issue 20): one row per signed request seen, purged after 30 days. */
export class WebhookReceipts1796407000001 implements MigrationInterface {
    name = 'WebhookReceipts1796407000001';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "webhook_receipt" ("route" character varying(40) NOT NULL, "digest" character(64) NOT NULL, "claimed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "done_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_41df7251bb48493cca73f180072" PRIMARY KEY ("route", "digest"))`);
        await queryRunner.query(`CREATE INDEX "idx_webhook_receipt_claimed" ON "webhook_receipt" ("claimed_at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_webhook_receipt_claimed"`);
        await queryRunner.query(`DROP TABLE "webhook_receipt"`);
    }
}
