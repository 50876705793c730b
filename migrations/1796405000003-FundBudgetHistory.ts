import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dated ACF budgets (issue 22): every budget a fund has had, written by a trigger on `fund` (API,
 * demo seed, any future path), so a past day's position shows the budget that applied then.
 * Existing funds are backfilled with their current budget, dated when the fund was created.
 */
export class FundBudgetHistory1796405000003 implements MigrationInterface {
  name = 'FundBudgetHistory1796405000003';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "fund_budget_change" ("id" BIGSERIAL NOT NULL, "npu_code" character varying(8) NOT NULL, "financial_year" character varying(7) NOT NULL, "budget_pence" bigint NOT NULL, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6010ad600c6b25e164888c1cf8a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_fund_budget_change_fund" ON "fund_budget_change" ("npu_code", "financial_year", "changed_at") `);
    await queryRunner.query(
      `INSERT INTO "fund_budget_change" ("npu_code", "financial_year", "budget_pence", "changed_at") SELECT "npu_code", "financial_year", "budget_pence", "created_at" FROM "fund"`,
    );
    await queryRunner.query(`CREATE FUNCTION "fund_budget_change_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' OR OLD."budget_pence" IS DISTINCT FROM NEW."budget_pence" THEN
          INSERT INTO "fund_budget_change" ("npu_code", "financial_year", "budget_pence") VALUES (NEW."npu_code", NEW."financial_year", NEW."budget_pence");
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER "trg_fund_budget_change" AFTER INSERT OR UPDATE OF "budget_pence" ON "fund" FOR EACH ROW EXECUTE FUNCTION "fund_budget_change_sync"()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "trg_fund_budget_change" ON "fund"`);
    await queryRunner.query(`DROP FUNCTION "fund_budget_change_sync"()`);
    await queryRunner.query(`DROP TABLE "fund_budget_change"`);
  }
}
