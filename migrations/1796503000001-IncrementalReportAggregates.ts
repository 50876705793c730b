import type { MigrationInterface, QueryRunner } from 'typeorm';

const LONDON_MONTH = (col: string) => `date_trunc('month', ${col} AT TIME ZONE 'Europe/London')::date`;

/**
 * Incremental report aggregates (issue 22): statement-level triggers log which (ward, month)
 * sign-up/leaver keys, which wards' subscriber profiles and which messages' engagement totals a
 * write touched, so `refresh-report-aggregates` recomputes only those (its cost grows with the
 * change, not with history). The logs are append-only (no unique key): a refresh deletes the rows
 * it saw, so a change committed while it runs stays logged for the next one. Every existing key
 * is logged once here, so the first refresh after the migration recomputes everything.
 */
export class IncrementalReportAggregates1796503000001 implements MigrationInterface {
  name = 'IncrementalReportAggregates1796503000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "resident_stats_dirty" ("id" BIGSERIAL NOT NULL, "ward_code" character varying(16) NOT NULL, "month" date, CONSTRAINT "PK_resident_stats_dirty" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "message_engagement_dirty" ("id" BIGSERIAL NOT NULL, "message_id" uuid NOT NULL, CONSTRAINT "PK_message_engagement_dirty" PRIMARY KEY ("id"))`,
    );
    // An as-at day's own month of sign-ups, counted from resident (reach and sign-ups as at a day).
    await queryRunner.query(`CREATE INDEX "idx_resident_activated" ON "resident" ("activated_at") WHERE activated_at IS NOT NULL`);
    // A key per (ward, London month) of each sign-up and leaving, and a profile key (month NULL)
    // per ward, of the rows before and after the statement, where the fields the figures use changed.
    await queryRunner.query(`CREATE FUNCTION "resident_stats_log"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO "resident_stats_dirty" ("ward_code", "month")
          SELECT DISTINCT k.ward_code, k.month FROM new_rows n
           CROSS JOIN LATERAL (VALUES (n.ward_code, ${LONDON_MONTH('n.activated_at')}), (n.ward_code, ${LONDON_MONTH('n.left_at')}), (n.ward_code, NULL::date)) k(ward_code, month)
           WHERE k.month IS NOT NULL OR n.status = 'active'
           ORDER BY 1, 2;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO "resident_stats_dirty" ("ward_code", "month")
          SELECT DISTINCT k.ward_code, k.month FROM old_rows o
           CROSS JOIN LATERAL (VALUES (o.ward_code, ${LONDON_MONTH('o.activated_at')}), (o.ward_code, ${LONDON_MONTH('o.left_at')}), (o.ward_code, NULL::date)) k(ward_code, month)
           WHERE k.month IS NOT NULL OR o.status = 'active'
           ORDER BY 1, 2;
        ELSE
          INSERT INTO "resident_stats_dirty" ("ward_code", "month")
          SELECT DISTINCT k.ward_code, k.month FROM old_rows o JOIN new_rows n ON n.id = o.id
           CROSS JOIN LATERAL (VALUES
             (o.ward_code, ${LONDON_MONTH('o.activated_at')}, 'joined'), (n.ward_code, ${LONDON_MONTH('n.activated_at')}, 'joined'),
             (o.ward_code, ${LONDON_MONTH('o.left_at')}, 'left'), (n.ward_code, ${LONDON_MONTH('n.left_at')}, 'left'),
             (o.ward_code, NULL::date, 'profile'), (n.ward_code, NULL::date, 'profile')) k(ward_code, month, kind)
           WHERE (k.kind = 'joined' AND k.month IS NOT NULL AND (o.ward_code, o.activated_at) IS DISTINCT FROM (n.ward_code, n.activated_at))
              OR (k.kind = 'left' AND k.month IS NOT NULL AND (o.ward_code, o.left_at) IS DISTINCT FROM (n.ward_code, n.left_at))
              OR (k.kind = 'profile' AND (o.ward_code, o.status, o.ethnicity, o.age_band) IS DISTINCT FROM (n.ward_code, n.status, n.ethnicity, n.age_band)
                  AND (o.status = 'active' OR n.status = 'active'))
           ORDER BY 1, 2;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER "trg_resident_stats_ins" AFTER INSERT ON "resident" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "resident_stats_log"()`);
    await queryRunner.query(
      `CREATE TRIGGER "trg_resident_stats_upd" AFTER UPDATE ON "resident" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "resident_stats_log"()`,
    );
    await queryRunner.query(`CREATE TRIGGER "trg_resident_stats_del" AFTER DELETE ON "resident" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "resident_stats_log"()`);

    // The messages whose ratings or replies a statement added, changed or removed.
    await queryRunner.query(`CREATE FUNCTION "message_engagement_log"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO "message_engagement_dirty" ("message_id") SELECT DISTINCT message_id FROM new_rows WHERE message_id IS NOT NULL ORDER BY 1;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO "message_engagement_dirty" ("message_id") SELECT DISTINCT message_id FROM old_rows WHERE message_id IS NOT NULL ORDER BY 1;
        ELSE
          INSERT INTO "message_engagement_dirty" ("message_id")
          SELECT DISTINCT message_id FROM (SELECT message_id FROM old_rows UNION ALL SELECT message_id FROM new_rows) x WHERE message_id IS NOT NULL ORDER BY 1;
        END IF;
        RETURN NULL;
      END $$`);
    for (const table of ['rating', 'reply']) {
      await queryRunner.query(`CREATE TRIGGER "trg_${table}_engagement_ins" AFTER INSERT ON "${table}" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "message_engagement_log"()`);
      await queryRunner.query(
        `CREATE TRIGGER "trg_${table}_engagement_upd" AFTER UPDATE ON "${table}" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "message_engagement_log"()`,
      );
      await queryRunner.query(`CREATE TRIGGER "trg_${table}_engagement_del" AFTER DELETE ON "${table}" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "message_engagement_log"()`);
    }

    // Everything once, so the first refresh brings every aggregate up to date.
    await queryRunner.query(
      `INSERT INTO "resident_stats_dirty" ("ward_code", "month")
       SELECT ward_code, month FROM resident_month_stats
       UNION SELECT ward_code, ${LONDON_MONTH('activated_at')} FROM resident WHERE activated_at IS NOT NULL
       UNION SELECT ward_code, ${LONDON_MONTH('left_at')} FROM resident WHERE left_at IS NOT NULL
       UNION SELECT code, NULL FROM ward`,
    );
    await queryRunner.query(
      `INSERT INTO "message_engagement_dirty" ("message_id") SELECT message_id FROM message_engagement UNION SELECT message_id FROM rating UNION SELECT message_id FROM reply WHERE message_id IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['rating', 'reply']) for (const op of ['ins', 'upd', 'del']) await queryRunner.query(`DROP TRIGGER "trg_${table}_engagement_${op}" ON "${table}"`);
    for (const op of ['ins', 'upd', 'del']) await queryRunner.query(`DROP TRIGGER "trg_resident_stats_${op}" ON "resident"`);
    await queryRunner.query(`DROP FUNCTION "message_engagement_log"()`);
    await queryRunner.query(`DROP FUNCTION "resident_stats_log"()`);
    await queryRunner.query(`DROP TABLE "message_engagement_dirty"`);
    await queryRunner.query(`DROP TABLE "resident_stats_dirty"`);
    await queryRunner.query(`DROP INDEX "public"."idx_resident_activated"`);
  }
}
