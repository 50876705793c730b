import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Surveys1796081420318 implements MigrationInterface {
    name = 'Surveys1796081420318';

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Generated from the entities, reviewed. message.survey_id has no foreign key: libs/surveys
        // depends on libs/messaging, not the other way round (surveys checks the survey exists).
        await queryRunner.query(`CREATE TABLE "survey" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "npu_code" character varying(8), "author_id" uuid NOT NULL, "title" character varying(200) NOT NULL, "intro" character varying(2000) NOT NULL DEFAULT '', "status" character varying(20) NOT NULL DEFAULT 'draft', "opens_at" TIMESTAMP WITH TIME ZONE, "closes_at" TIMESTAMP WITH TIME ZONE, "public_link" boolean NOT NULL DEFAULT false, "approved_by" uuid, "opened_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_survey_status" CHECK ("status" IN ('draft', 'pending_approval', 'open', 'closed')), CONSTRAINT "PK_f0da32b9181e9c02ecf0be11ed3" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_survey_npu_created" ON "survey"  ("npu_code", "created_at") `);
        await queryRunner.query(`CREATE TABLE "survey_question" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "survey_id" uuid NOT NULL, "position" smallint NOT NULL, "kind" character varying(20) NOT NULL, "text" character varying(500) NOT NULL, "options" jsonb NOT NULL DEFAULT '[]', "required" boolean NOT NULL DEFAULT false, "max_length" smallint NOT NULL DEFAULT '1000', "template_key" character varying(40), CONSTRAINT "uq_survey_question_position" UNIQUE ("survey_id", "position"), CONSTRAINT "PK_ec6d65e83fd7217202178b79907" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "survey_response" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "survey_id" uuid NOT NULL, "resident_id" uuid, "source" character varying(10) NOT NULL, "npu_code" character varying(8) NOT NULL, "ward_code" character varying(16) NOT NULL, "age_band" character varying(20) NOT NULL, "ethnicity" character varying(40) NOT NULL, "answers" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "erased_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "uq_survey_response_resident" UNIQUE ("survey_id", "resident_id"), CONSTRAINT "PK_d9326eb52bf8b23d56a39ce419a" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_survey_response_resident" ON "survey_response"  ("resident_id") WHERE resident_id IS NOT NULL`);
        await queryRunner.query(`CREATE TABLE "survey_tally" ("survey_id" uuid NOT NULL, "question_id" uuid NOT NULL, "option" character varying(40) NOT NULL, "source" character varying(10) NOT NULL, "npu_code" character varying(8) NOT NULL, "ward_code" character varying(16) NOT NULL, "age_band" character varying(20) NOT NULL, "ethnicity" character varying(40) NOT NULL, "respondents" integer NOT NULL DEFAULT '0', CONSTRAINT "ck_survey_tally_respondents" CHECK ("respondents" >= 0), CONSTRAINT "PK_8115257c3673aef96d08b8bcbf9" PRIMARY KEY ("survey_id", "question_id", "option", "source", "npu_code", "ward_code", "age_band", "ethnicity"))`);
        await queryRunner.query(`ALTER TABLE "message" ADD "survey_id" uuid`);
        await queryRunner.query(`ALTER TABLE "survey" ADD CONSTRAINT "FK_d35f46a32cb1e187cfa81a95f7f" FOREIGN KEY ("npu_code") REFERENCES "npu"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "survey" ADD CONSTRAINT "FK_c4c24c60021d2853666ab59cbad" FOREIGN KEY ("author_id") REFERENCES "staff"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "survey_question" ADD CONSTRAINT "FK_347ae83807bbdfc2e91c5c51ec8" FOREIGN KEY ("survey_id") REFERENCES "survey"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "survey_response" ADD CONSTRAINT "FK_3282a960be3ebb4c396bc1e391a" FOREIGN KEY ("survey_id") REFERENCES "survey"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "survey_response" ADD CONSTRAINT "FK_380fefd34fc294bc980c0481a01" FOREIGN KEY ("resident_id") REFERENCES "resident"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "survey_tally" ADD CONSTRAINT "FK_703d4a538bfbee4971ab5edc0b9" FOREIGN KEY ("survey_id") REFERENCES "survey"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "survey_tally" DROP CONSTRAINT "FK_703d4a538bfbee4971ab5edc0b9"`);
        await queryRunner.query(`ALTER TABLE "survey_response" DROP CONSTRAINT "FK_380fefd34fc294bc980c0481a01"`);
        await queryRunner.query(`ALTER TABLE "survey_response" DROP CONSTRAINT "FK_3282a960be3ebb4c396bc1e391a"`);
        await queryRunner.query(`ALTER TABLE "survey_question" DROP CONSTRAINT "FK_347ae83807bbdfc2e91c5c51ec8"`);
        await queryRunner.query(`ALTER TABLE "survey" DROP CONSTRAINT "FK_c4c24c60021d2853666ab59cbad"`);
        await queryRunner.query(`ALTER TABLE "survey" DROP CONSTRAINT "FK_d35f46a32cb1e187cfa81a95f7f"`);
        await queryRunner.query(`ALTER TABLE "message" DROP COLUMN "survey_id"`);
        await queryRunner.query(`DROP TABLE "survey_tally"`);
        await queryRunner.query(`DROP INDEX "public"."idx_survey_response_resident"`);
        await queryRunner.query(`DROP TABLE "survey_response"`);
        await queryRunner.query(`DROP TABLE "survey_question"`);
        await queryRunner.query(`DROP INDEX "public"."idx_survey_npu_created"`);
        await queryRunner.query(`DROP TABLE "survey"`);
    }
}
