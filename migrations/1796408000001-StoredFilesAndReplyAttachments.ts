import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Core's file store (bytea rows) and the attachments kept from e-mail replies (issue 20). */
export class StoredFilesAndReplyAttachments1796408000001 implements MigrationInterface {
    name = 'StoredFilesAndReplyAttachments1796408000001';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "stored_file" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "sha256" character(64) NOT NULL, "content_type" character varying(100) NOT NULL, "size" integer NOT NULL, "bytes" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e140967af84027b493a3ff04fbb" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "reply_attachment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "reply_id" uuid NOT NULL, "file_id" uuid NOT NULL, "filename" character varying(100) NOT NULL, "content_type" character varying(100) NOT NULL, "size" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1566682e18f2ba954785331f573" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_reply_attachment_reply" ON "reply_attachment" ("reply_id") `);
        await queryRunner.query(`ALTER TABLE "reply_attachment" ADD CONSTRAINT "FK_454e6a3867ab21a0094411f24f3" FOREIGN KEY ("reply_id") REFERENCES "reply"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "reply_attachment" DROP CONSTRAINT "FK_454e6a3867ab21a0094411f24f3"`);
        await queryRunner.query(`DROP INDEX "public"."idx_reply_attachment_reply"`);
        await queryRunner.query(`DROP TABLE "reply_attachment"`);
        await queryRunner.query(`DROP TABLE "stored_file"`);
    }
}
