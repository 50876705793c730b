import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Engagement1795401025017 implements MigrationInterface {
    name = 'Engagement1795401025017';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "rating" ("message_id" uuid NOT NULL, "resident_id" uuid NOT NULL, "score" smallint NOT NULL, "comment" character varying(1000), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_rating_score" CHECK (score BETWEEN 1 AND 6), CONSTRAINT "PK_b38ad13c622199a942aa8cdcf26" PRIMARY KEY ("message_id", "resident_id"))`);
        await queryRunner.query(`CREATE INDEX "idx_rating_resident" ON "rating"  ("resident_id") `);
        await queryRunner.query(`CREATE INDEX "idx_rating_message_score" ON "rating"  ("message_id", "score") `);
        await queryRunner.query(`CREATE TABLE "reply" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "message_id" uuid, "resident_id" uuid NOT NULL, "body" character varying(2000) NOT NULL, "via" character varying(8) NOT NULL, "status" character varying(10) NOT NULL DEFAULT 'open', "npu_code" character varying(8) NOT NULL, "provider_id" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_reply_status" CHECK (status IN ('open', 'answered', 'closed')), CONSTRAINT "ck_reply_via" CHECK (via IN ('web', 'sms', 'email')), CONSTRAINT "PK_94fa9017051b40a71e000a2aff9" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_reply_provider" ON "reply"  ("provider_id") WHERE provider_id IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "idx_reply_resident" ON "reply"  ("resident_id", "created_at") `);
        await queryRunner.query(`CREATE INDEX "idx_reply_message" ON "reply"  ("message_id") WHERE message_id IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "idx_reply_status_created" ON "reply"  ("status", "created_at", "id") `);
        await queryRunner.query(`CREATE INDEX "idx_reply_inbox" ON "reply"  ("npu_code", "status", "created_at", "id") `);
        await queryRunner.query(`CREATE TABLE "reply_response" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "reply_id" uuid NOT NULL, "staff_id" uuid NOT NULL, "body" character varying(1500) NOT NULL, "channel" character varying(8) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_reply_response_channel" CHECK (channel IN ('email', 'sms')), CONSTRAINT "PK_127dd8a600af666bcb939aae2c1" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_reply_response_reply" ON "reply_response"  ("reply_id", "created_at") `);
        await queryRunner.query(`ALTER TABLE "rating" ADD CONSTRAINT "FK_58812b650aaa0dc172b2b453737" FOREIGN KEY ("message_id") REFERENCES "message"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "rating" ADD CONSTRAINT "FK_051df962b4ff611be4ef464620a" FOREIGN KEY ("resident_id") REFERENCES "resident"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "reply" ADD CONSTRAINT "FK_b2411cf417d077caa6fbaa58127" FOREIGN KEY ("message_id") REFERENCES "message"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "reply" ADD CONSTRAINT "FK_c5b5b8b70b2da52798c35d6bbd2" FOREIGN KEY ("resident_id") REFERENCES "resident"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "reply" ADD CONSTRAINT "FK_0252f10324f16ec3bdcadfafe40" FOREIGN KEY ("npu_code") REFERENCES "npu"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "reply_response" ADD CONSTRAINT "FK_a07c5605553e402b2a6aaedff6f" FOREIGN KEY ("reply_id") REFERENCES "reply"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "reply_response" ADD CONSTRAINT "FK_0f8493197923ec17cc5143ec7f5" FOREIGN KEY ("staff_id") REFERENCES "staff"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "reply_response" DROP CONSTRAINT "FK_0f8493197923ec17cc5143ec7f5"`);
        await queryRunner.query(`ALTER TABLE "reply_response" DROP CONSTRAINT "FK_a07c5605553e402b2a6aaedff6f"`);
        await queryRunner.query(`ALTER TABLE "reply" DROP CONSTRAINT "FK_0252f10324f16ec3bdcadfafe40"`);
        await queryRunner.query(`ALTER TABLE "reply" DROP CONSTRAINT "FK_c5b5b8b70b2da52798c35d6bbd2"`);
        await queryRunner.query(`ALTER TABLE "reply" DROP CONSTRAINT "FK_b2411cf417d077caa6fbaa58127"`);
        await queryRunner.query(`ALTER TABLE "rating" DROP CONSTRAINT "FK_051df962b4ff611be4ef464620a"`);
        await queryRunner.query(`ALTER TABLE "rating" DROP CONSTRAINT "FK_58812b650aaa0dc172b2b453737"`);
        await queryRunner.query(`DROP INDEX "public"."idx_reply_response_reply"`);
        await queryRunner.query(`DROP TABLE "reply_response"`);
        await queryRunner.query(`DROP INDEX "public"."idx_reply_inbox"`);
        await queryRunner.query(`DROP INDEX "public"."idx_reply_status_created"`);
        await queryRunner.query(`DROP INDEX "public"."idx_reply_message"`);
        await queryRunner.query(`DROP INDEX "public"."idx_reply_resident"`);
        await queryRunner.query(`DROP INDEX "public"."uq_reply_provider"`);
        await queryRunner.query(`DROP TABLE "reply"`);
        await queryRunner.query(`DROP INDEX "public"."idx_rating_message_score"`);
        await queryRunner.query(`DROP INDEX "public"."idx_rating_resident"`);
        await queryRunner.query(`DROP TABLE "rating"`);
    }
}
