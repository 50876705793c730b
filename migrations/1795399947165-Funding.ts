import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Funding1795399947165 implements MigrationInterface {
    name = 'Funding1795399947165';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "fund" ("npu_code" character varying(8) NOT NULL, "financial_year" character varying(7) NOT NULL, "budget_pence" integer NOT NULL, "allocated_pence" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_fund_allocated" CHECK (allocated_pence >= 0 AND allocated_pence <= budget_pence), CONSTRAINT "ck_fund_budget" CHECK (budget_pence >= 0), CONSTRAINT "PK_9d998a858aa6533eac98da4f34d" PRIMARY KEY ("npu_code", "financial_year"))`);
        await queryRunner.query(`CREATE TABLE "bid" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "npu_code" character varying(8) NOT NULL, "financial_year" character varying(7) NOT NULL, "applicant_name" character varying(120) NOT NULL, "applicant_type" character varying(12) NOT NULL, "contact_email" character varying(254) NOT NULL, "title" character varying(200) NOT NULL, "summary" character varying(5000) NOT NULL, "theme" character varying(30) NOT NULL, "amount_requested_pence" integer NOT NULL, "amount_awarded_pence" integer, "paid_pence" integer NOT NULL DEFAULT '0', "status" character varying(16) NOT NULL DEFAULT 'submitted', "aligned_staff_id" uuid, "decided_by_id" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "decision_reason" character varying(1000), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_bid_paid" CHECK (paid_pence >= 0 AND paid_pence <= COALESCE(amount_awarded_pence, 0)), CONSTRAINT "ck_bid_awarded" CHECK (amount_awarded_pence IS NULL OR (amount_awarded_pence > 0 AND amount_awarded_pence <= amount_requested_pence)), CONSTRAINT "ck_bid_requested" CHECK (amount_requested_pence > 0), CONSTRAINT "ck_bid_status" CHECK (status IN ('submitted', 'under_review', 'approved', 'rejected', 'withdrawn', 'completed')), CONSTRAINT "PK_ed405dda320051aca2dcb1a50bb" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_bid_aligned_staff" ON "bid"  ("aligned_staff_id") WHERE aligned_staff_id IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "idx_bid_created" ON "bid"  ("created_at", "id") `);
        await queryRunner.query(`CREATE INDEX "idx_bid_npu_created" ON "bid"  ("npu_code", "created_at", "id") `);
        await queryRunner.query(`CREATE INDEX "idx_bid_fund_status" ON "bid"  ("npu_code", "financial_year", "status") `);
        await queryRunner.query(`CREATE TABLE "bid_payment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "bid_id" uuid NOT NULL, "amount_pence" integer NOT NULL, "paid_on" date NOT NULL, "recorded_by_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_bid_payment_amount" CHECK (amount_pence > 0), CONSTRAINT "PK_863acced0fdf91fbd215a82b741" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_bid_payment_bid" ON "bid_payment"  ("bid_id", "paid_on") `);
        await queryRunner.query(`CREATE TABLE "bid_evaluation" ("bid_id" uuid NOT NULL, "outcome" character varying(20) NOT NULL, "notes" character varying(5000) NOT NULL, "evaluated_by_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_46b0e6211a7543237c9ec0f0446" PRIMARY KEY ("bid_id"))`);
        await queryRunner.query(`CREATE TABLE "voting_round" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "npu_code" character varying(8) NOT NULL, "financial_year" character varying(7) NOT NULL, "opens_at" TIMESTAMP WITH TIME ZONE NOT NULL, "closes_at" TIMESTAMP WITH TIME ZONE NOT NULL, "max_votes_per_resident" smallint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_voting_round_fund" UNIQUE ("npu_code", "financial_year"), CONSTRAINT "ck_voting_round_max_votes" CHECK (max_votes_per_resident >= 1), CONSTRAINT "ck_voting_round_dates" CHECK (closes_at > opens_at), CONSTRAINT "PK_ca8aaa4399ae8fa00cae95ddac5" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "voting_round_bid" ("round_id" uuid NOT NULL, "bid_id" uuid NOT NULL, CONSTRAINT "PK_71ea12f90d6cd44590eddfef362" PRIMARY KEY ("round_id", "bid_id"))`);
        await queryRunner.query(`CREATE INDEX "idx_voting_round_bid_bid" ON "voting_round_bid"  ("bid_id") `);
        await queryRunner.query(`CREATE TABLE "voting_ballot" ("round_id" uuid NOT NULL, "resident_id" uuid NOT NULL, "cast_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b63d68e706570ee36be87b16687" PRIMARY KEY ("round_id", "resident_id"))`);
        await queryRunner.query(`CREATE TABLE "bid_vote" ("bid_id" uuid NOT NULL, "resident_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d5a712a076de820ac7c97a5f66d" PRIMARY KEY ("bid_id", "resident_id"))`);
        await queryRunner.query(`ALTER TABLE "fund" ADD CONSTRAINT "FK_6891675ad095dbab3a11273a82a" FOREIGN KEY ("npu_code") REFERENCES "npu"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bid" ADD CONSTRAINT "FK_33a005f377623a00c03e5d8afe2" FOREIGN KEY ("npu_code", "financial_year") REFERENCES "fund"("npu_code","financial_year") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bid" ADD CONSTRAINT "FK_f55a585740f1b29590cfb2fbb00" FOREIGN KEY ("aligned_staff_id") REFERENCES "staff"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bid" ADD CONSTRAINT "FK_03d4b723753e5a04b78d838f1eb" FOREIGN KEY ("decided_by_id") REFERENCES "staff"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bid_payment" ADD CONSTRAINT "FK_9e8660640eb69561748f253b01a" FOREIGN KEY ("bid_id") REFERENCES "bid"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bid_payment" ADD CONSTRAINT "FK_699a6217095bd616a0cd2fcbafd" FOREIGN KEY ("recorded_by_id") REFERENCES "staff"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bid_evaluation" ADD CONSTRAINT "FK_46b0e6211a7543237c9ec0f0446" FOREIGN KEY ("bid_id") REFERENCES "bid"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bid_evaluation" ADD CONSTRAINT "FK_eded58d983e875ec8a574736c65" FOREIGN KEY ("evaluated_by_id") REFERENCES "staff"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "voting_round" ADD CONSTRAINT "FK_195847eb262b22d8a32e93a977f" FOREIGN KEY ("npu_code", "financial_year") REFERENCES "fund"("npu_code","financial_year") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "voting_round_bid" ADD CONSTRAINT "FK_fce2c3fdfa2b927bea4f737b7c6" FOREIGN KEY ("round_id") REFERENCES "voting_round"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "voting_round_bid" ADD CONSTRAINT "FK_488f82da7db087d2cd6ae838739" FOREIGN KEY ("bid_id") REFERENCES "bid"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "voting_ballot" ADD CONSTRAINT "FK_6cf5e581072bd2dee7738c7b64f" FOREIGN KEY ("round_id") REFERENCES "voting_round"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "voting_ballot" ADD CONSTRAINT "FK_fa027a5e2bcaf348ea068aa9e56" FOREIGN KEY ("resident_id") REFERENCES "resident"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bid_vote" ADD CONSTRAINT "FK_2d7482b32f667972e246c6ed2bd" FOREIGN KEY ("bid_id") REFERENCES "bid"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bid_vote" ADD CONSTRAINT "FK_a4f439295ae554298945c85aefb" FOREIGN KEY ("resident_id") REFERENCES "resident"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "bid_vote" DROP CONSTRAINT "FK_a4f439295ae554298945c85aefb"`);
        await queryRunner.query(`ALTER TABLE "bid_vote" DROP CONSTRAINT "FK_2d7482b32f667972e246c6ed2bd"`);
        await queryRunner.query(`ALTER TABLE "voting_ballot" DROP CONSTRAINT "FK_fa027a5e2bcaf348ea068aa9e56"`);
        await queryRunner.query(`ALTER TABLE "voting_ballot" DROP CONSTRAINT "FK_6cf5e581072bd2dee7738c7b64f"`);
        await queryRunner.query(`ALTER TABLE "voting_round_bid" DROP CONSTRAINT "FK_488f82da7db087d2cd6ae838739"`);
        await queryRunner.query(`ALTER TABLE "voting_round_bid" DROP CONSTRAINT "FK_fce2c3fdfa2b927bea4f737b7c6"`);
        await queryRunner.query(`ALTER TABLE "voting_round" DROP CONSTRAINT "FK_195847eb262b22d8a32e93a977f"`);
        await queryRunner.query(`ALTER TABLE "bid_evaluation" DROP CONSTRAINT "FK_eded58d983e875ec8a574736c65"`);
        await queryRunner.query(`ALTER TABLE "bid_evaluation" DROP CONSTRAINT "FK_46b0e6211a7543237c9ec0f0446"`);
        await queryRunner.query(`ALTER TABLE "bid_payment" DROP CONSTRAINT "FK_699a6217095bd616a0cd2fcbafd"`);
        await queryRunner.query(`ALTER TABLE "bid_payment" DROP CONSTRAINT "FK_9e8660640eb69561748f253b01a"`);
        await queryRunner.query(`ALTER TABLE "bid" DROP CONSTRAINT "FK_03d4b723753e5a04b78d838f1eb"`);
        await queryRunner.query(`ALTER TABLE "bid" DROP CONSTRAINT "FK_f55a585740f1b29590cfb2fbb00"`);
        await queryRunner.query(`ALTER TABLE "bid" DROP CONSTRAINT "FK_33a005f377623a00c03e5d8afe2"`);
        await queryRunner.query(`ALTER TABLE "fund" DROP CONSTRAINT "FK_6891675ad095dbab3a11273a82a"`);
        await queryRunner.query(`DROP TABLE "bid_vote"`);
        await queryRunner.query(`DROP TABLE "voting_ballot"`);
        await queryRunner.query(`DROP INDEX "public"."idx_voting_round_bid_bid"`);
        await queryRunner.query(`DROP TABLE "voting_round_bid"`);
        await queryRunner.query(`DROP TABLE "voting_round"`);
        await queryRunner.query(`DROP TABLE "bid_evaluation"`);
        await queryRunner.query(`DROP INDEX "public"."idx_bid_payment_bid"`);
        await queryRunner.query(`DROP TABLE "bid_payment"`);
        await queryRunner.query(`DROP INDEX "public"."idx_bid_fund_status"`);
        await queryRunner.query(`DROP INDEX "public"."idx_bid_npu_created"`);
        await queryRunner.query(`DROP INDEX "public"."idx_bid_created"`);
        await queryRunner.query(`DROP INDEX "public"."idx_bid_aligned_staff"`);
        await queryRunner.query(`DROP TABLE "bid"`);
        await queryRunner.query(`DROP TABLE "fund"`);
    }
}
