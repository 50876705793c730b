import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Reports1795402117457 implements MigrationInterface {
    name = 'Reports1795402117457';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "population_share" ("area_code" character varying(16) NOT NULL, "dimension" character varying(20) NOT NULL, "category" character varying(40) NOT NULL, "share_percent" numeric(5,2) NOT NULL, CONSTRAINT "PK_ad43aa15dffae4a8c8a33e6f5e9" PRIMARY KEY ("area_code", "dimension", "category"))`);
        await queryRunner.query(`CREATE TABLE "message_engagement" ("message_id" uuid NOT NULL, "ratings" integer NOT NULL DEFAULT '0', "score_sum" bigint NOT NULL DEFAULT '0', "replies" integer NOT NULL DEFAULT '0', "refreshed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_47c20e049b82ce3e5de15681e51" PRIMARY KEY ("message_id"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "message_engagement"`);
        await queryRunner.query(`DROP TABLE "population_share"`);
    }
}
