import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MessageTemplates1796312000001 implements MigrationInterface {
    name = 'MessageTemplates1796312000001';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "message_template" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "npu_code" character varying(8), "name" character varying(120) NOT NULL, "category" character varying(40) NOT NULL, "title" character varying(200) NOT NULL, "body" text NOT NULL, "fields" character varying array NOT NULL, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_616800da109c721fb4dd2019a9b" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_message_template_npu_category" ON "message_template"  ("npu_code", "category") `);
        await queryRunner.query(`ALTER TABLE "message" ADD "template_id" uuid`);
        await queryRunner.query(`ALTER TABLE "message" ADD "withdrawn_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "message" ADD "withdrawn_by" uuid`);
        await queryRunner.query(`ALTER TABLE "message_template" ADD CONSTRAINT "FK_4fbb3dc0eb15d4ef6c3edf461b0" FOREIGN KEY ("npu_code") REFERENCES "npu"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "message_template" ADD CONSTRAINT "FK_616eb62a898a85a5ab58e4cfb6c" FOREIGN KEY ("created_by") REFERENCES "staff"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "message" ADD CONSTRAINT "FK_616800da109c721fb4dd2019a9b" FOREIGN KEY ("template_id") REFERENCES "message_template"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "message" DROP CONSTRAINT "FK_616800da109c721fb4dd2019a9b"`);
        await queryRunner.query(`ALTER TABLE "message_template" DROP CONSTRAINT "FK_616eb62a898a85a5ab58e4cfb6c"`);
        await queryRunner.query(`ALTER TABLE "message_template" DROP CONSTRAINT "FK_4fbb3dc0eb15d4ef6c3edf461b0"`);
        await queryRunner.query(`ALTER TABLE "message" DROP COLUMN "withdrawn_by"`);
        await queryRunner.query(`ALTER TABLE "message" DROP COLUMN "withdrawn_at"`);
        await queryRunner.query(`ALTER TABLE "message" DROP COLUMN "template_id"`);
        await queryRunner.query(`DROP INDEX "public"."idx_message_template_npu_category"`);
        await queryRunner.query(`DROP TABLE "message_template"`);
    }
}
