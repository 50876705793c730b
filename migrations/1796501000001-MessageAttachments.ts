import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Images and PDFs of messages (issue 23): the rows owning their files in core's FileStore. */
export class MessageAttachments1796501000001 implements MigrationInterface {
    name = 'MessageAttachments1796501000001';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "message_attachment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "message_id" uuid NOT NULL, "kind" character varying(8) NOT NULL, "file_id" uuid NOT NULL, "filename" character varying(100) NOT NULL, "content_type" character varying(100) NOT NULL, "alt_text" character varying(250), "size" integer NOT NULL, "width" integer, "height" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d5bc54379802d99c07cd7ec00e4" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_message_attachment_message" ON "message_attachment" ("message_id") `);
        await queryRunner.query(`ALTER TABLE "message_attachment" ADD CONSTRAINT "FK_9db9a64915214dde2ca1e8db9a7" FOREIGN KEY ("message_id") REFERENCES "message"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "message_attachment" DROP CONSTRAINT "FK_9db9a64915214dde2ca1e8db9a7"`);
        await queryRunner.query(`DROP INDEX "public"."idx_message_attachment_message"`);
        await queryRunner.query(`DROP TABLE "message_attachment"`);
    }
}
