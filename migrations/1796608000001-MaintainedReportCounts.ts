import type { MigrationInterface, QueryRunner } from 'typeorm';

const LONDON_MONTH = (col: string) => `date_trunc('month', ${col} AT TIME ZONE 'Europe/London')::date`;

/**
 * Counts kept for the reports that scanned `resident` or `delivery` at 1M residents (issue 22,
 * session 7's run: representation as at a past day 671 ms, attribution 291 ms, the force's SIM
 * pack for a past month 4.8 s):
 *
 * - `message_language_recipients`: a message's recipients by the language they gave, written by
 *   the fan-out in the same transaction as each slice of delivery rows (libs/messaging), so the
 *   message detail and the SIM pack's "messages by language" read counts, not deliveries
 *   (`language` as the resident gave it, trimmed and lower-cased; '' for none).
 * - `resident_profile_month_stats`: per ward and London month, sign-ups and leavers by ethnicity
 *   and age band; subscribers by profile as at any day are the months before it summed, plus that
 *   day's own month from `resident` (as the reach report does).
 * - `resident_source_month_stats`: sign-ups per ward and month by source and campaign code.
 *
 * Both refreshed by `refresh-report-aggregates` from the (ward, month) keys the `resident` triggers
 * log; the trigger now logs a sign-up's and a leaving's month keys when the fields these use
 * change too (profile, source, campaign code), whatever the resident's status (an erasure of a
 * resident who had already left changes their history's profile to "not stated").
 * The tables are filled from what exists here.
 */
export class MaintainedReportCounts1796608000001 implements MigrationInterface {
  name = 'MaintainedReportCounts1796608000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Append-only, like message_delivery_count: parallel fan-out slices of one message each add
    // their own rows (an upsert would hold a shared row until the slice commits, so the ranges
    // would queue behind each other); readers sum, and the fan-out folds them when it ends.
    await queryRunner.query(
      `CREATE TABLE "message_language_recipients" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "message_id" uuid NOT NULL, "language" character varying(40) NOT NULL, "recipients" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_message_language_recipients" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_message_language_recipients_message" ON "message_language_recipients" ("message_id")`);
    await queryRunner.query(
      `CREATE TABLE "resident_profile_month_stats" ("ward_code" character varying(16) NOT NULL, "month" date NOT NULL, "dimension" character varying(20) NOT NULL, "category" character varying(40) NOT NULL, "joined" integer NOT NULL DEFAULT '0', "left" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_35a4df0e95af0d89f63c4f63b6c" PRIMARY KEY ("ward_code", "month", "dimension", "category"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "resident_source_month_stats" ("ward_code" character varying(16) NOT NULL, "month" date NOT NULL, "source" character varying(20) NOT NULL, "campaign_code" character varying(40) NOT NULL, "signups" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_0edc359583ce1291e9eefbf224c" PRIMARY KEY ("ward_code", "month", "source", "campaign_code"))`,
    );
    await queryRunner.query(
      `INSERT INTO message_language_recipients (message_id, language, recipients)
       SELECT d.message_id, coalesce(lower(btrim(r.language)), ''), count(DISTINCT d.resident_id)::int
         FROM delivery d JOIN resident r ON r.id = d.resident_id
        GROUP BY 1, 2`,
    );
    await queryRunner.query(
      `INSERT INTO resident_profile_month_stats (ward_code, month, dimension, category, joined, "left")
       SELECT r.ward_code, e.month, d.dimension, d.category, sum(e.j)::int, sum(e.l)::int
         FROM resident r
        CROSS JOIN LATERAL (VALUES (${LONDON_MONTH('r.activated_at')}, 1, 0), (${LONDON_MONTH('greatest(r.left_at, r.activated_at)')}, 0, 1)) e(month, j, l)
        CROSS JOIN LATERAL (VALUES ('ethnicity', coalesce(r.ethnicity, 'not_stated')), ('age_band', coalesce(r.age_band, 'not_stated'))) d(dimension, category)
        WHERE r.activated_at IS NOT NULL AND (e.j = 1 OR r.left_at IS NOT NULL)
        GROUP BY 1, 2, 3, 4`,
    );
    await queryRunner.query(
      `INSERT INTO resident_source_month_stats (ward_code, month, source, campaign_code, signups)
       SELECT ward_code, ${LONDON_MONTH('activated_at')}, coalesce(source, 'unknown'), coalesce(campaign_code, ''), count(*)::int
         FROM resident WHERE activated_at IS NOT NULL
        GROUP BY 1, 2, 3, 4`,
    );
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "resident_stats_log"() RETURNS trigger LANGUAGE plpgsql AS $$
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
          -- a sign-up's month keys where it moved or what it is counted by changed (profile,
          -- source, campaign code); a leaving's (the month of left_at, and of
          -- greatest(left_at, activated_at), when the profile history counts it) where it moved
          -- or its profile changed, whatever the resident's status now; a ward's profile key
          -- (month NULL) where today's active subscribers' profile changed.
          INSERT INTO "resident_stats_dirty" ("ward_code", "month")
          SELECT DISTINCT k.ward_code, k.month FROM old_rows o JOIN new_rows n ON n.id = o.id
           CROSS JOIN LATERAL (VALUES
             (o.ward_code, ${LONDON_MONTH('o.activated_at')}, 'joined'), (n.ward_code, ${LONDON_MONTH('n.activated_at')}, 'joined'),
             (o.ward_code, ${LONDON_MONTH('o.left_at')}, 'left'), (n.ward_code, ${LONDON_MONTH('n.left_at')}, 'left'),
             (o.ward_code, ${LONDON_MONTH('CASE WHEN o.left_at IS NOT NULL THEN greatest(o.left_at, o.activated_at) END')}, 'left'),
             (n.ward_code, ${LONDON_MONTH('CASE WHEN n.left_at IS NOT NULL THEN greatest(n.left_at, n.activated_at) END')}, 'left'),
             (o.ward_code, NULL::date, 'profile'), (n.ward_code, NULL::date, 'profile')) k(ward_code, month, kind)
           WHERE (k.kind = 'joined' AND k.month IS NOT NULL
                  AND (o.ward_code, o.activated_at, o.ethnicity, o.age_band, o.source, o.campaign_code)
                      IS DISTINCT FROM (n.ward_code, n.activated_at, n.ethnicity, n.age_band, n.source, n.campaign_code))
              OR (k.kind = 'left' AND k.month IS NOT NULL
                  AND (o.ward_code, o.left_at, o.activated_at, o.ethnicity, o.age_band) IS DISTINCT FROM (n.ward_code, n.left_at, n.activated_at, n.ethnicity, n.age_band))
              OR (k.kind = 'profile' AND (o.ward_code, o.status, o.ethnicity, o.age_band) IS DISTINCT FROM (n.ward_code, n.status, n.ethnicity, n.age_band)
                  AND (o.status = 'active' OR n.status = 'active'))
           ORDER BY 1, 2;
        END IF;
        RETURN NULL;
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "resident_stats_log"() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await queryRunner.query(`DROP TABLE "resident_source_month_stats"`);
    await queryRunner.query(`DROP TABLE "resident_profile_month_stats"`);
    await queryRunner.query(`DROP TABLE "message_language_recipients"`);
  }
}
