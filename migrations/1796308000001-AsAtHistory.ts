import type { MigrationInterface, QueryRunner } from 'typeorm';

const LONDON_DAY = (col: string) => `(${col} AT TIME ZONE 'Europe/London')::date`;

/**
 * History for "as at" reports: scheme opening/closing dates and their open periods, membership
 * periods kept when a member is removed, dated scheme targets (several per NPU × type, with
 * member targets), and when a bid was withdrawn. Triggers keep the two period tables, so every
 * write path (API, demo seed, imports, erasure, cascades) records history. Existing rows are
 * backfilled from what is known: a scheme opened the day it was created, a closed one closed the
 * day it was last changed, a member joined at joined_at, a target took effect when last set.
 */
export class AsAtHistory1796308000001 implements MigrationInterface {
  name = 'AsAtHistory1796308000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // scheme: opened_on / closed_on, backfilled, then the check.
    await queryRunner.query(`ALTER TABLE "scheme" ADD "opened_on" date NOT NULL DEFAULT ('now'::text)::date`);
    await queryRunner.query(`ALTER TABLE "scheme" ADD "closed_on" date`);
    await queryRunner.query(`UPDATE "scheme" SET "opened_on" = ${LONDON_DAY('"created_at"')}`);
    await queryRunner.query(`UPDATE "scheme" SET "closed_on" = GREATEST(${LONDON_DAY('"updated_at"')}, "opened_on") WHERE "status" = 'closed'`);
    await queryRunner.query(
      `ALTER TABLE "scheme" ADD CONSTRAINT "ck_scheme_closed_on" CHECK (("status" = 'closed') = ("closed_on" IS NOT NULL) AND ("closed_on" IS NULL OR "closed_on" >= "opened_on"))`,
    );

    await queryRunner.query(`CREATE TABLE "scheme_period" ("id" BIGSERIAL NOT NULL, "scheme_id" uuid NOT NULL, "opened_on" date NOT NULL, "closed_on" date, CONSTRAINT "PK_30fb8b72247d3b2900ea6b50e9c" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_scheme_period_scheme" ON "scheme_period"  ("scheme_id", "opened_on") `);
    await queryRunner.query(`ALTER TABLE "scheme_period" ADD CONSTRAINT "FK_22a5d95c92762adf78293d296d6" FOREIGN KEY ("scheme_id") REFERENCES "scheme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`INSERT INTO "scheme_period" ("scheme_id", "opened_on", "closed_on") SELECT "id", "opened_on", "closed_on" FROM "scheme"`);

    await queryRunner.query(
      `CREATE TABLE "scheme_member_period" ("id" BIGSERIAL NOT NULL, "scheme_id" uuid NOT NULL, "member_key" uuid NOT NULL, "joined_at" TIMESTAMP WITH TIME ZONE NOT NULL, "left_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_8ca2881ce5243261db9482337db" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_scheme_member_period_key" ON "scheme_member_period"  ("member_key") `);
    await queryRunner.query(`CREATE INDEX "idx_scheme_member_period_scheme" ON "scheme_member_period"  ("scheme_id", "joined_at") `);
    await queryRunner.query(`ALTER TABLE "scheme_member_period" ADD CONSTRAINT "FK_b6df07f3a24190a2d49ac44e6de" FOREIGN KEY ("scheme_id") REFERENCES "scheme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`INSERT INTO "scheme_member_period" ("scheme_id", "member_key", "joined_at") SELECT "scheme_id", "resident_id", "joined_at" FROM "scheme_member"`);

    // A new period when a scheme is created or reopened; the current one follows a close or a corrected date.
    await queryRunner.query(`CREATE FUNCTION "scheme_period_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' OR (OLD."closed_on" IS NOT NULL AND NEW."closed_on" IS NULL) THEN
          INSERT INTO "scheme_period" ("scheme_id", "opened_on", "closed_on") VALUES (NEW."id", NEW."opened_on", NEW."closed_on");
        ELSIF (OLD."opened_on", OLD."closed_on") IS DISTINCT FROM (NEW."opened_on", NEW."closed_on") THEN
          UPDATE "scheme_period" SET "opened_on" = NEW."opened_on", "closed_on" = NEW."closed_on"
           WHERE "id" = (SELECT max("id") FROM "scheme_period" WHERE "scheme_id" = NEW."id");
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER "trg_scheme_period" AFTER INSERT OR UPDATE OF "opened_on", "closed_on" ON "scheme" FOR EACH ROW EXECUTE FUNCTION "scheme_period_sync"()`);

    // Joining opens a membership period, leaving (or a cascade, or erasure) closes it; a corrected join time follows.
    await queryRunner.query(`CREATE FUNCTION "scheme_member_period_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO "scheme_member_period" ("scheme_id", "member_key", "joined_at") VALUES (NEW."scheme_id", NEW."resident_id", NEW."joined_at");
        ELSIF TG_OP = 'DELETE' THEN
          UPDATE "scheme_member_period" SET "left_at" = GREATEST(now(), "joined_at")
           WHERE "scheme_id" = OLD."scheme_id" AND "member_key" = OLD."resident_id" AND "left_at" IS NULL;
        ELSIF OLD."joined_at" IS DISTINCT FROM NEW."joined_at" THEN
          UPDATE "scheme_member_period" SET "joined_at" = NEW."joined_at"
           WHERE "scheme_id" = NEW."scheme_id" AND "member_key" = NEW."resident_id" AND "left_at" IS NULL;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "trg_scheme_member_period" AFTER INSERT OR DELETE OR UPDATE OF "joined_at" ON "scheme_member" FOR EACH ROW EXECUTE FUNCTION "scheme_member_period_sync"()`,
    );

    // scheme_target: dated rows (a key with due_date), member targets, and when each took effect.
    await queryRunner.query(`ALTER TABLE "scheme_target" ADD "member_target" integer`);
    await queryRunner.query(`ALTER TABLE "scheme_target" ADD "set_on" date NOT NULL DEFAULT ('now'::text)::date`);
    await queryRunner.query(`UPDATE "scheme_target" SET "set_on" = ${LONDON_DAY('"updated_at"')}`);
    await queryRunner.query(`ALTER TABLE "scheme_target" DROP CONSTRAINT "PK_aca6243f0f631961127e54e80c2"`);
    await queryRunner.query(`ALTER TABLE "scheme_target" ADD CONSTRAINT "PK_11894d63355b2c3f99ae83411ed" PRIMARY KEY ("npu_code", "type", "due_date")`);
    await queryRunner.query(`CREATE INDEX "idx_scheme_target_set_on" ON "scheme_target"  ("npu_code", "type", "set_on") `);
    await queryRunner.query(`ALTER TABLE "scheme_target" ADD CONSTRAINT "ck_scheme_target_members_non_negative" CHECK ("member_target" IS NULL OR "member_target" >= 0)`);

    // bid: when it was withdrawn (backfilled from its last change).
    await queryRunner.query(`ALTER TABLE "bid" ADD "withdrawn_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`UPDATE "bid" SET "withdrawn_at" = "updated_at" WHERE "status" = 'withdrawn'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "bid" DROP COLUMN "withdrawn_at"`);
    await queryRunner.query(`ALTER TABLE "scheme_target" DROP CONSTRAINT "ck_scheme_target_members_non_negative"`);
    await queryRunner.query(`DROP INDEX "public"."idx_scheme_target_set_on"`);
    // Back to one target per NPU × type: the latest set survives.
    await queryRunner.query(
      `DELETE FROM "scheme_target" t USING "scheme_target" u
        WHERE u."npu_code" = t."npu_code" AND u."type" = t."type" AND (u."set_on", u."due_date") > (t."set_on", t."due_date")`,
    );
    await queryRunner.query(`ALTER TABLE "scheme_target" DROP CONSTRAINT "PK_11894d63355b2c3f99ae83411ed"`);
    await queryRunner.query(`ALTER TABLE "scheme_target" ADD CONSTRAINT "PK_aca6243f0f631961127e54e80c2" PRIMARY KEY ("npu_code", "type")`);
    await queryRunner.query(`ALTER TABLE "scheme_target" DROP COLUMN "set_on"`);
    await queryRunner.query(`ALTER TABLE "scheme_target" DROP COLUMN "member_target"`);
    await queryRunner.query(`DROP TRIGGER "trg_scheme_member_period" ON "scheme_member"`);
    await queryRunner.query(`DROP FUNCTION "scheme_member_period_sync"()`);
    await queryRunner.query(`DROP TRIGGER "trg_scheme_period" ON "scheme"`);
    await queryRunner.query(`DROP FUNCTION "scheme_period_sync"()`);
    await queryRunner.query(`DROP TABLE "scheme_member_period"`);
    await queryRunner.query(`DROP TABLE "scheme_period"`);
    await queryRunner.query(`ALTER TABLE "scheme" DROP CONSTRAINT "ck_scheme_closed_on"`);
    await queryRunner.query(`ALTER TABLE "scheme" DROP COLUMN "closed_on"`);
    await queryRunner.query(`ALTER TABLE "scheme" DROP COLUMN "opened_on"`);
  }
}
