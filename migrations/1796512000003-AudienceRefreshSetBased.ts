import type { MigrationInterface, QueryRunner } from 'typeorm';

const SENDABLE = `(r.status = 'active'
   AND rc.enabled AND rc.suspended_at IS NULL
   AND CASE rc.channel
         WHEN 'email' THEN r.email IS NOT NULL AND r.email_verified_at IS NOT NULL
         WHEN 'sms' THEN r.phone_e164 IS NOT NULL AND r.phone_verified_at IS NOT NULL
         ELSE false END)`;
const RANK = `coalesce(array_position(ARRAY['information','standard','urgent']::varchar[], rc.min_priority::varchar), 0)`;

/**
 * The audience-cell refresh, set-based (AudienceCells1796504000001 computed each resident's key
 * with three correlated subqueries and matched ids with `IN (SELECT unnest(ids))`): the channels,
 * topics and interests of the residents named are grouped once each and joined, and ids are
 * matched with `= ANY(ids)` (an index lookup for one resident, a hashed scan for a million). The
 * same keys as before: the maintained-counts test compares the cells with the live audience.
 * Measured on 20,000 and 40,000 seeded residents before: 4.7 s and 9.9 s for one refresh of all,
 * ~0.24 ms a resident, which made a 1M-resident seed or import take tens of minutes.
 */
export class AudienceRefreshSetBased1796512000003 implements MigrationInterface {
  name = 'AudienceRefreshSetBased1796512000003';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "resident_audience_keys"(ids uuid[])
      RETURNS TABLE (resident_id uuid, ward_code varchar, email_rank smallint, sms_rank smallint, topics varchar[], interests varchar[])
      LANGUAGE sql STABLE AS $$
        SELECT r.id, r.ward_code, ch.email_rank, ch.sms_rank, coalesce(t.topics, '{}')::varchar[], coalesce(i.interests, '{}')::varchar[]
          FROM resident r
          JOIN (SELECT rc.resident_id,
                       coalesce(max(${RANK}) FILTER (WHERE rc.channel = 'email'), 0)::smallint AS email_rank,
                       coalesce(max(${RANK}) FILTER (WHERE rc.channel = 'sms'), 0)::smallint AS sms_rank
                  FROM resident_channel rc JOIN resident r ON r.id = rc.resident_id
                 WHERE rc.resident_id = ANY(ids) AND ${SENDABLE}
                 GROUP BY rc.resident_id) ch ON ch.resident_id = r.id
          LEFT JOIN (SELECT x.resident_id, array_agg(x.topic ORDER BY x.topic)::varchar[] AS topics
                       FROM resident_topic x WHERE x.resident_id = ANY(ids) GROUP BY x.resident_id) t ON t.resident_id = r.id
          LEFT JOIN (SELECT x.resident_id, array_agg(x.interest_group ORDER BY x.interest_group)::varchar[] AS interests
                       FROM resident_interest x WHERE x.resident_id = ANY(ids) GROUP BY x.resident_id) i ON i.resident_id = r.id
         WHERE r.id = ANY(ids) AND r.status = 'active' AND (ch.email_rank > 0 OR ch.sms_rank > 0)
      $$`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "resident_audience_refresh"(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE cells int[]; deltas int[];
      BEGIN
        IF coalesce(array_length(ids, 1), 0) = 0 THEN RETURN; END IF;
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

    // One trigger per table, after each statement, over the residents its rows name.
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "resident_audience_keys"(ids uuid[])
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
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "resident_audience_refresh"(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
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
  }
}
