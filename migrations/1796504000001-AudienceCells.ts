import type { MigrationInterface, QueryRunner } from 'typeorm';

// Who may be sent on a channel: libs/residents' SENDABLE_SQL as it stands at this migration (frozen
// here; test/audience-counts.e2e-spec.ts compares the counts with the live rule, so a change to the
// rule without a new migration fails it).
const SENDABLE = `(r.status = 'active'
   AND rc.enabled AND rc.suspended_at IS NULL
   AND CASE rc.channel
         WHEN 'email' THEN r.email IS NOT NULL AND r.email_verified_at IS NOT NULL
         WHEN 'sms' THEN r.phone_e164 IS NOT NULL AND r.phone_verified_at IS NOT NULL
         ELSE false END)`;
const RANK = `coalesce(array_position(ARRAY['information','standard','urgent']::varchar[], rc.min_priority::varchar), 0)`;

/**
 * Maintained audience counts (issue 24): sendable residents per (ward, e-mail rank, SMS rank,
 * topics, interests), kept by statement-level triggers on the four tables the audience reads, so
 * every write path (sign-up, verification, preferences, unsubscribe, suspension, import, erasure,
 * purge, seeds) keeps them exact in its own transaction. Existing residents are counted here.
 */
export class AudienceCells1796504000001 implements MigrationInterface {
  name = 'AudienceCells1796504000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audience_cell" ("id" SERIAL NOT NULL, "ward_code" character varying(16) NOT NULL, "email_rank" smallint NOT NULL, "sms_rank" smallint NOT NULL, "topics" character varying(40) array NOT NULL, "interests" character varying(40) array NOT NULL, "residents" integer NOT NULL DEFAULT '0', CONSTRAINT "uq_audience_cell" UNIQUE ("ward_code", "email_rank", "sms_rank", "topics", "interests"), CONSTRAINT "PK_73004118bc8e82fea5ebfc4a174" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "resident_audience_cell" ("resident_id" uuid NOT NULL, "cell_id" integer NOT NULL, CONSTRAINT "PK_4a24f4f017f94317b3b1a1be529" PRIMARY KEY ("resident_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_resident_audience_cell_cell" ON "resident_audience_cell"  ("cell_id") `);

    // The cell each of `ids` belongs in now (no row: no channel may reach them).
    await queryRunner.query(`CREATE FUNCTION "resident_audience_keys"(ids uuid[])
      RETURNS TABLE (resident_id uuid, ward_code varchar, email_rank smallint, sms_rank smallint, topics varchar[], interests varchar[])
      LANGUAGE sql STABLE AS $$
        SELECT r.id, r.ward_code, ch.email_rank, ch.sms_rank,
               (SELECT coalesce(array_agg(t.topic ORDER BY t.topic), '{}')::varchar[] FROM resident_topic t WHERE t.resident_id = r.id),
               (SELECT coalesce(array_agg(i.interest_group ORDER BY i.interest_group), '{}')::varchar[] FROM resident_interest i WHERE i.resident_id = r.id)
          FROM resident r
         CROSS JOIN LATERAL (
           SELECT coalesce(max(${RANK}) FILTER (WHERE rc.channel = 'email'), 0)::smallint AS email_rank,
                  coalesce(max(${RANK}) FILTER (WHERE rc.channel = 'sms'), 0)::smallint AS sms_rank
             FROM resident_channel rc WHERE rc.resident_id = r.id AND ${SENDABLE}) ch
         WHERE r.id IN (SELECT unnest(ids)) AND r.status = 'active' AND (ch.email_rank > 0 OR ch.sms_rank > 0)
      $$`);

    // Moves each of `ids` to the cell they belong in now. The residents are locked first (id
    // order), so two transactions changing one resident queue and the second reads the first's
    // result; cells are created in key order and their counts changed in id order (no deadlock).
    await queryRunner.query(`CREATE FUNCTION "resident_audience_refresh"(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE cells int[]; deltas int[];
      BEGIN
        IF coalesce(array_length(ids, 1), 0) = 0 THEN RETURN; END IF;
        PERFORM 1 FROM resident WHERE id IN (SELECT unnest(ids)) ORDER BY id FOR NO KEY UPDATE;
        INSERT INTO audience_cell (ward_code, email_rank, sms_rank, topics, interests)
        SELECT DISTINCT k.ward_code, k.email_rank, k.sms_rank, k.topics, k.interests FROM resident_audience_keys(ids) k
         ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT DO NOTHING;
        WITH fresh AS (
          SELECT k.resident_id, c.id AS cell_id FROM resident_audience_keys(ids) k
            JOIN audience_cell c ON (c.ward_code, c.email_rank, c.sms_rank, c.topics, c.interests) = (k.ward_code, k.email_rank, k.sms_rank, k.topics, k.interests)),
        cur AS (SELECT a.resident_id, a.cell_id FROM resident_audience_cell a WHERE a.resident_id IN (SELECT unnest(ids))),
        changed AS (
          SELECT coalesce(f.resident_id, c.resident_id) AS resident_id, c.cell_id AS old_cell, f.cell_id AS new_cell
            FROM fresh f FULL JOIN cur c ON c.resident_id = f.resident_id
           WHERE f.cell_id IS DISTINCT FROM c.cell_id),
        gone AS (DELETE FROM resident_audience_cell a USING changed ch WHERE a.resident_id = ch.resident_id AND ch.new_cell IS NULL),
        moved AS (
          INSERT INTO resident_audience_cell (resident_id, cell_id) SELECT ch.resident_id, ch.new_cell FROM changed ch WHERE ch.new_cell IS NOT NULL
          ON CONFLICT (resident_id) DO UPDATE SET cell_id = excluded.cell_id),
        delta AS (
          SELECT x.cell_id, sum(x.n)::int AS n
            FROM (SELECT old_cell, -1 FROM changed WHERE old_cell IS NOT NULL UNION ALL SELECT new_cell, 1 FROM changed WHERE new_cell IS NOT NULL) AS x(cell_id, n)
           GROUP BY x.cell_id HAVING sum(x.n) <> 0)
        SELECT array_agg(d.cell_id ORDER BY d.cell_id), array_agg(d.n ORDER BY d.cell_id) INTO cells, deltas FROM delta d;
        IF cells IS NULL THEN RETURN; END IF;
        PERFORM 1 FROM audience_cell WHERE id = ANY(cells) ORDER BY id FOR NO KEY UPDATE;
        UPDATE audience_cell c SET residents = c.residents + v.n FROM unnest(cells, deltas) AS v(id, n) WHERE c.id = v.id;
      END $$`);

    // One trigger per table, after each statement, over the residents its rows name.
    await queryRunner.query(`CREATE FUNCTION "resident_audience_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'resident' THEN
          IF TG_OP = 'INSERT' THEN PERFORM resident_audience_refresh(ARRAY(SELECT id FROM new_rows));
          ELSIF TG_OP = 'UPDATE' THEN PERFORM resident_audience_refresh(ARRAY(SELECT id FROM new_rows UNION SELECT id FROM old_rows));
          ELSE PERFORM resident_audience_refresh(ARRAY(SELECT id FROM old_rows)); END IF;
        ELSIF TG_OP = 'INSERT' THEN PERFORM resident_audience_refresh(ARRAY(SELECT DISTINCT resident_id FROM new_rows));
        ELSIF TG_OP = 'UPDATE' THEN PERFORM resident_audience_refresh(ARRAY(SELECT resident_id FROM new_rows UNION SELECT resident_id FROM old_rows));
        ELSE PERFORM resident_audience_refresh(ARRAY(SELECT DISTINCT resident_id FROM old_rows)); END IF;
        RETURN NULL;
      END $$`);
    for (const table of ['resident', 'resident_channel', 'resident_topic', 'resident_interest']) {
      await queryRunner.query(`CREATE TRIGGER "trg_${table}_audience_ins" AFTER INSERT ON "${table}" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION resident_audience_sync()`);
      await queryRunner.query(
        `CREATE TRIGGER "trg_${table}_audience_upd" AFTER UPDATE ON "${table}" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION resident_audience_sync()`,
      );
      await queryRunner.query(`CREATE TRIGGER "trg_${table}_audience_del" AFTER DELETE ON "${table}" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION resident_audience_sync()`);
    }
    // Existing residents: counted under a lock that holds writers off until the triggers exist.
    await queryRunner.query(`LOCK TABLE resident, resident_channel, resident_topic, resident_interest IN SHARE ROW EXCLUSIVE MODE`);
    await queryRunner.query(`SELECT resident_audience_refresh(ARRAY(SELECT id FROM resident WHERE status = 'active'))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['resident', 'resident_channel', 'resident_topic', 'resident_interest']) {
      for (const op of ['ins', 'upd', 'del']) await queryRunner.query(`DROP TRIGGER "trg_${table}_audience_${op}" ON "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION "resident_audience_sync"()`);
    await queryRunner.query(`DROP FUNCTION "resident_audience_refresh"(uuid[])`);
    await queryRunner.query(`DROP FUNCTION "resident_audience_keys"(uuid[])`);
    await queryRunner.query(`DROP INDEX "public"."idx_resident_audience_cell_cell"`);
    await queryRunner.query(`DROP TABLE "resident_audience_cell"`);
    await queryRunner.query(`DROP TABLE "audience_cell"`);
  }
}
