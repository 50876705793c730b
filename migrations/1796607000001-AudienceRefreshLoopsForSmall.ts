import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Nested loops only off for a bulk refresh. `AudienceRefreshNoNestedLoops` turned them off for
 * every call, so refreshing the one resident of a sign-up hash-joined whole tables: at 1M residents
 * each sign-up cost ~40 ms of PostgreSQL CPU and sign-ups fell to 45 req/s (1,024 before the
 * audience counts; `npm run bench -- --only http`, session 7). Now a refresh of more than 5,000
 * residents analyses its tables and turns nested loops off for its own statements (restored
 * before it returns; a failure rolls the setting back with the transaction), and a small one
 * plans with them: index lookups by `= ANY(ids)`. `plan_cache_mode = force_custom_plan`: every
 * call is planned for its own array and setting (a cached generic plan would ignore both).
 */
export class AudienceRefreshLoopsForSmall1796607000001 implements MigrationInterface {
  name = 'AudienceRefreshLoopsForSmall1796607000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "resident_audience_refresh"(ids uuid[]) RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
      DECLARE cells int[]; deltas int[]; bulk boolean := coalesce(array_length(ids, 1), 0) > 5000; loops text := current_setting('enable_nestloop');
      BEGIN
        IF coalesce(array_length(ids, 1), 0) = 0 THEN RETURN; END IF;
        IF bulk THEN
          ANALYZE resident; ANALYZE resident_channel; ANALYZE resident_topic; ANALYZE resident_interest; ANALYZE resident_audience_cell;
          PERFORM set_config('enable_nestloop', 'off', true);
        END IF;
        PERFORM 1 FROM resident WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
        INSERT INTO audience_cell (ward_code, email_rank, sms_rank, topics, interests)
        SELECT DISTINCT k.ward_code, k.email_rank, k.sms_rank, k.topics, k.interests FROM resident_audience_keys(ids) k
         ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT DO NOTHING;
        WITH fresh AS (
          SELECT k.resident_id, c.id AS cell_id FROM resident_audience_keys(ids) k
            JOIN audience_cell c ON (c.ward_code, c.email_rank, c.sms_rank, c.topics, c.interests) = (k.ward_code, k.email_rank, k.sms_rank, k.topics, k.interests)),
        cur AS (SELECT a.resident_id, a.cell_id FROM resident_audience_cell a WHERE a.resident_id = ANY(ids)),
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
        IF cells IS NOT NULL THEN
          PERFORM 1 FROM audience_cell WHERE id = ANY(cells) ORDER BY id FOR NO KEY UPDATE;
          UPDATE audience_cell c SET residents = c.residents + v.n FROM unnest(cells, deltas) AS v(id, n) WHERE c.id = v.id;
        END IF;
        IF bulk THEN PERFORM set_config('enable_nestloop', loops, true); END IF;
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "resident_audience_refresh"(ids uuid[]) RETURNS void LANGUAGE plpgsql SET enable_nestloop = off AS $$
      DECLARE cells int[]; deltas int[];
      BEGIN
        IF coalesce(array_length(ids, 1), 0) = 0 THEN RETURN; END IF;
        IF array_length(ids, 1) > 5000 THEN
          ANALYZE resident; ANALYZE resident_channel; ANALYZE resident_topic; ANALYZE resident_interest; ANALYZE resident_audience_cell;
        END IF;
        PERFORM 1 FROM resident WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
        INSERT INTO audience_cell (ward_code, email_rank, sms_rank, topics, interests)
        SELECT DISTINCT k.ward_code, k.email_rank, k.sms_rank, k.topics, k.interests FROM resident_audience_keys(ids) k
         ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT DO NOTHING;
        WITH fresh AS (
          SELECT k.resident_id, c.id AS cell_id FROM resident_audience_keys(ids) k
            JOIN audience_cell c ON (c.ward_code, c.email_rank, c.sms_rank, c.topics, c.interests) = (k.ward_code, k.email_rank, k.sms_rank, k.topics, k.interests)),
        cur AS (SELECT a.resident_id, a.cell_id FROM resident_audience_cell a WHERE a.resident_id = ANY(ids)),
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
  }
}
