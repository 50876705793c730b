import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One statement's change to a message's ratings, added to its own stripe (see the table's entity). */
const ADD = (rows: string) => `
  INSERT INTO "message_rating_count" ("message_id", "score", "stripe", "ratings")
  SELECT c.message_id, c.score, pg_backend_pid() % 16, c.n FROM (${rows}) c
   WHERE c.n <> 0 AND EXISTS (SELECT 1 FROM "message" m WHERE m.id = c.message_id)
   ORDER BY 1, 2
  ON CONFLICT ("message_id", "score", "stripe") DO UPDATE SET "ratings" = "message_rating_count"."ratings" + EXCLUDED."ratings"`;

/**
 * Issue 24: the message detail (polled by the console while a message goes out) read its rating
 * summary from `rating` on every request: 6.60 ms of PostgreSQL a request in session 10's run,
 * at 20,000 ratings of one message, growing with them. `message_rating_count` keeps the ratings per
 * message and score, by statement triggers on `rating` (one change per statement, however many
 * rows: the rating links write theirs in batches). The EXISTS skips a message deleted in the same
 * statement (its ratings go by cascade; so do its counts). Filled from what exists, under a lock
 * that holds rating writes until the triggers are in place.
 */
export class MaintainedRatingCounts1796800000001 implements MigrationInterface {
  name = 'MaintainedRatingCounts1796800000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "message_rating_count" ("message_id" uuid NOT NULL, "score" smallint NOT NULL, "stripe" smallint NOT NULL, "ratings" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_b3be4eaa8d1f1b06dcf888e155f" PRIMARY KEY ("message_id", "score", "stripe"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "message_rating_count" ADD CONSTRAINT "FK_a70aab3adc37e4c21d6acafe0f5" FOREIGN KEY ("message_id") REFERENCES "message"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`LOCK TABLE "rating" IN SHARE ROW EXCLUSIVE MODE`);
    await queryRunner.query(
      `INSERT INTO "message_rating_count" ("message_id", "score", "stripe", "ratings") SELECT message_id, score, 0, count(*)::int FROM "rating" GROUP BY 1, 2`,
    );
    await queryRunner.query(`CREATE FUNCTION "message_rating_count_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${ADD('SELECT message_id, score, count(*)::int AS n FROM new_rows GROUP BY 1, 2')};
        ELSIF TG_OP = 'DELETE' THEN
          ${ADD('SELECT message_id, score, -count(*)::int AS n FROM old_rows GROUP BY 1, 2')};
        ELSE
          -- a re-rating moves one from the old score to the new; a comment erased changes nothing
          ${ADD(`SELECT message_id, score, sum(n)::int AS n FROM (
                   SELECT message_id, score, -1 AS n FROM old_rows UNION ALL SELECT message_id, score, 1 FROM new_rows) x
                  GROUP BY 1, 2`)};
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "trg_rating_count_ins" AFTER INSERT ON "rating" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "message_rating_count_apply"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "trg_rating_count_upd" AFTER UPDATE ON "rating" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "message_rating_count_apply"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "trg_rating_count_del" AFTER DELETE ON "rating" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "message_rating_count_apply"()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "trg_rating_count_del" ON "rating"`);
    await queryRunner.query(`DROP TRIGGER "trg_rating_count_upd" ON "rating"`);
    await queryRunner.query(`DROP TRIGGER "trg_rating_count_ins" ON "rating"`);
    await queryRunner.query(`DROP FUNCTION "message_rating_count_apply"()`);
    await queryRunner.query(`DROP TABLE "message_rating_count"`);
  }
}
