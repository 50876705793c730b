import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Force-wide messages' figures per NPU, for the residents they reached there (issue 22). */
export class MessageNpuEngagement1796405000002 implements MigrationInterface {
  name = 'MessageNpuEngagement1796405000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "message_npu_engagement" ("message_id" uuid NOT NULL, "npu_code" character varying(8) NOT NULL, "recipients" integer NOT NULL DEFAULT '0', "ratings" integer NOT NULL DEFAULT '0', "score_sum" bigint NOT NULL DEFAULT '0', "replies" integer NOT NULL DEFAULT '0', "refreshed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a9079a01d2a2a9dc273b809e16f" PRIMARY KEY ("message_id", "npu_code"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "message_npu_engagement"`);
  }
}
