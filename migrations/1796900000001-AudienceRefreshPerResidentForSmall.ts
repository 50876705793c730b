import type { MigrationInterface, QueryRunner } from 'typeorm';

const SENDABLE = `(r.status = 'active'
   AND rc.enabled AND rc.suspended_at IS NULL
   AND CASE rc.channel
         WHEN 'email' THEN r.email IS NOT NULL AND r.email_verified_at IS NOT NULL
         WHEN 'sms' THEN r.phone_e164 IS NOT NULL AND r.phone_verified_at IS NOT NULL
         ELSE false END)`;
const RANK = `coalesce(array_position(ARRAY['information','standard','urgent']::varchar[], rc.min_priority::varchar), 0)`;

/** The body of `resident_audience_refresh` after `keys` (a FROM item giving each resident's key). */
const refreshBody = (keys: string) => `
      DECLARE cells int[]; deltas int[]; bulk boolean := coalesce(array_length(ids, 1), 0) > 5000; loops text := current_setting('enable_nestloop');
      BEGIN
        IF coalesce(array_length(ids, 1), 0) = 0 THEN RETURN; END IF;
        IF bulk THEN
          ANALYZE resident; ANALYZE resident_channel; ANALYZE resident_topic; ANALYZE resident_interest; ANALYZE resident_audience_cell;
          PERFORM set_config('enable_nestloop', 'off', true);
        END IF;
        PERFORM 1 FROM resident WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
        INSERT INTO audience_cell (ward_code, email_rank, sms_rank, topics, interests)
        SELECT DISTINCT k.ward_code, k.email_rank, k.sms_rank, k.topics, k.interests FROM ${keys} k
         ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT DO NOTHING;
        WITH fresh AS (
          SELECT k.resident_id, c.id AS cell_id FROM ${keys} k
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
      END`;

const KEYS_TABLE = `TABLE (resident_id uuid, ward_code varchar, email_rank smallint, sms_rank smallint, topics varchar[], interests varchar[])`;

/**
 * A small audience refresh (≤ 5,000 residents: a sign-up, a preference change, an import batch)
 * reads each resident's rows by key, one resident at a time; a bulk one stays set-based.
 *
 * Found by a CI failure: inserting the channels of 3,000 residents in one statement took 2.3 s
 * here (and over 60 s on a loaded CI machine, failing a messaging test's timeout). The set-based
 * `resident_audience_keys` groups the residents' channels, topics and interests and joins them;
 * with nested loops allowed (they are, for small refreshes: `AudienceRefreshLoopsForSmall`) and
 * statistics that lag behind the rows just written, the planner estimated 1 row for each
 * `= ANY(ids)` scan and joined two of them in a nested loop with a join filter: each resident's
 * rows compared with every other's (4,498,500 rows removed by the filter, twice, for 3,000).
 *
 * `resident_audience_keys_each` drives from the (distinct) ids and reaches the resident, their
 * channels, topics and interests through LATERAL subqueries keyed by the resident: an aggregate or
 * LIMIT in a LATERAL subquery is never flattened into a join, so each is an index lookup per
 * resident whatever the statistics say. `resident_audience_keys_for(ids, bulk)` picks the form;
 * with the refresh's custom plans the unused branch is planned away. The keys are the same: the
 * maintained-counts test compares every resident's cell with the set-based form's.
 */
export class AudienceRefreshPerResidentForSmall1796900000001 implements MigrationInterface {
  name = 'AudienceRefreshPerResidentForSmall1796900000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION "resident_audience_keys_each"(ids uuid[]) RETURNS ${KEYS_TABLE} LANGUAGE sql STABLE AS $$
        SELECT r.id, r.ward_code, ch.email_rank, ch.sms_rank, t.topics, i.interests
          FROM (SELECT DISTINCT u.id FROM unnest(ids) AS u(id)) u
         CROSS JOIN LATERAL (SELECT * FROM resident r WHERE r.id = u.id LIMIT 1) r
         CROSS JOIN LATERAL (
           SELECT coalesce(max(${RANK}) FILTER (WHERE rc.channel = 'email'), 0)::smallint AS email_rank,
                  coalesce(max(${RANK}) FILTER (WHERE rc.channel = 'sms'), 0)::smallint AS sms_rank
             FROM resident_channel rc WHERE rc.resident_id = r.id AND ${SENDABLE}) ch
         CROSS JOIN LATERAL (SELECT coalesce(array_agg(x.topic ORDER BY x.topic), '{}')::varchar[] AS topics FROM resident_topic x WHERE x.resident_id = r.id) t
         CROSS JOIN LATERAL (SELECT coalesce(array_agg(x.interest_group ORDER BY x.interest_group), '{}')::varchar[] AS interests FROM resident_interest x WHERE x.resident_id = r.id) i
         WHERE r.status = 'active' AND (ch.email_rank > 0 OR ch.sms_rank > 0)
      $$`);
    await queryRunner.query(`CREATE FUNCTION "resident_audience_keys_for"(ids uuid[], bulk boolean) RETURNS ${KEYS_TABLE} LANGUAGE sql STABLE AS $$
        SELECT * FROM resident_audience_keys(ids) WHERE bulk
        UNION ALL
        SELECT * FROM resident_audience_keys_each(ids) WHERE NOT bulk
      $$`);
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION "resident_audience_refresh"(ids uuid[]) RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$${refreshBody('resident_audience_keys_for(ids, bulk)')} $$`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION "resident_audience_refresh"(ids uuid[]) RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$${refreshBody('resident_audience_keys(ids)')} $$`,
    );
    await queryRunner.query(`DROP FUNCTION "resident_audience_keys_for"(uuid[], boolean)`);
    await queryRunner.query(`DROP FUNCTION "resident_audience_keys_each"(uuid[])`);
  }
}
