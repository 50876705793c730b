import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A bulk write (seed, import, a large delete) refreshes its residents' audience cells in the same
 * statement, before autovacuum has analysed the rows it wrote: the planner believed the tables
 * nearly empty and the refresh cost grew with the square of the rows (an 87,500-resident demo
 * seed spent minutes in one INSERT). A refresh of more than 5,000 residents now analyses the five
 * tables first (ANALYZE counts the transaction's own new rows), so the plan fits the data; a
 * refresh of a few residents is unchanged (index lookups by `= ANY(ids)`).
 */
export class AudienceRefreshAnalyseBulk1796512000005 implements MigrationInterface {
  name = 'AudienceRefreshAnalyseBulk1796512000005';

  public async up(queryRunner: QueryRunner): Promise<void> {
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

    // One trigger per table, after each statement, over the residents its rows name.
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "resident_audience_refresh"(ids uuid[]) RETURNS void LANGUAGE plpgsql SET enable_nestloop = off AS $$
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
}
