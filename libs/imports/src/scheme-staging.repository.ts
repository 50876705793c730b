import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { STAGING_TABLES } from './staging.repository';

export const SCHEME_STAGING = STAGING_TABLES.schemes;

export interface SchemeCounts {
  /** Schemes the commit creates. */
  new: number;
  /** Schemes already in Beacon that accepted lines add to. */
  existing: number;
}

/** The staged member lines of a scheme import and their classification, all set-based. */
@Injectable()
export class SchemeStagingRepository {
  /**
   * Classifies every line, in SQL, against Beacon as it is now (the dry run, and again in the
   * commit's transaction after the named schemes are locked): invalid lines and unknown types
   * are rejected; the resident is found by e-mail or phone and must be active and live in the
   * scheme's NPU; the scheme is an existing one of that type, ward and name (any case; a closed
   * one is refused) or a new one; a second line for the same member of the same scheme is a
   * duplicate, a second coordinator of a scheme is rejected; the rest are `matched` (already a
   * member) or `new`.
   */
  async classify(importId: string, tx: EntityManager): Promise<void> {
    const t = SCHEME_STAGING;
    const step = (sql: string) => tx.query<unknown>(sql, [importId]);
    await step(
      `UPDATE ${t} SET outcome = CASE WHEN invalid_reason IS NOT NULL THEN 'rejected' END, reason = invalid_reason,
              resident_id = NULL, scheme_id = NULL, new_scheme = NULL
        WHERE import_id = $1`,
    );
    await step(
      `UPDATE ${t} s SET outcome = 'rejected', reason = 'unknown scheme type ' || s.scheme_type
        WHERE s.import_id = $1 AND s.outcome IS NULL AND NOT EXISTS (SELECT 1 FROM scheme_type st WHERE st.code = s.scheme_type)`,
    );
    await step(
      `WITH m AS (
         SELECT s.line, re.id AS eid, rp.id AS pid FROM ${t} s
           LEFT JOIN resident re ON re.email = s.email
           LEFT JOIN resident rp ON rp.phone_e164 = s.phone
          WHERE s.import_id = $1 AND s.outcome IS NULL)
       UPDATE ${t} s SET resident_id = coalesce(m.eid, m.pid),
              outcome = CASE WHEN coalesce(m.eid, m.pid) IS NULL OR m.eid <> m.pid THEN 'rejected' END,
              reason = CASE WHEN coalesce(m.eid, m.pid) IS NULL THEN 'no resident with this e-mail or phone (import the residents first)'
                            WHEN m.eid <> m.pid THEN 'e-mail and phone belong to two different residents' END
         FROM m WHERE s.import_id = $1 AND s.line = m.line`,
    );
    await step(
      `UPDATE ${t} s SET outcome = 'rejected',
              reason = CASE WHEN r.status <> 'active' THEN 'the resident is not active' ELSE 'the resident lives outside the scheme’s NPU' END
         FROM resident r, ward rw, ward sw
        WHERE s.import_id = $1 AND s.outcome IS NULL AND r.id = s.resident_id AND rw.code = r.ward_code AND sw.code = s.ward_code
          AND (r.status <> 'active' OR rw.npu_code <> sw.npu_code)`,
    );
    await step(
      `WITH e AS (
         SELECT DISTINCT ON (s.line) s.line, sc.id, sc.status FROM ${t} s
           JOIN scheme sc ON sc.type = s.scheme_type AND sc.ward_code = s.ward_code AND lower(sc.name) = lower(s.scheme_name)
          WHERE s.import_id = $1 AND s.outcome IS NULL
          ORDER BY s.line, sc.created_at, sc.id)
       UPDATE ${t} s SET scheme_id = e.id, new_scheme = false,
              outcome = CASE WHEN e.status <> 'active' THEN 'rejected' END,
              reason = CASE WHEN e.status <> 'active' THEN 'the scheme is closed in Beacon' END
         FROM e WHERE s.import_id = $1 AND s.line = e.line`,
    );
    await step(
      `WITH k AS (
         SELECT scheme_type, ward_code, lower(scheme_name) AS name, gen_random_uuid() AS id FROM ${t}
          WHERE import_id = $1 AND outcome IS NULL AND scheme_id IS NULL GROUP BY 1, 2, 3)
       UPDATE ${t} s SET scheme_id = k.id, new_scheme = true
         FROM k WHERE s.import_id = $1 AND s.outcome IS NULL AND s.scheme_id IS NULL
          AND s.scheme_type = k.scheme_type AND s.ward_code = k.ward_code AND lower(s.scheme_name) = k.name`,
    );
    await step(
      `WITH d AS (SELECT line, min(line) OVER (PARTITION BY scheme_id, resident_id) AS first FROM ${t} WHERE import_id = $1 AND outcome IS NULL)
       UPDATE ${t} s SET outcome = 'duplicate', reason = 'duplicate of line ' || d.first || ' (the same member of the same scheme)'
         FROM d WHERE s.import_id = $1 AND s.line = d.line AND d.first < d.line`,
    );
    await step(
      `WITH c AS (SELECT line, min(line) OVER (PARTITION BY scheme_id) AS first FROM ${t} WHERE import_id = $1 AND outcome IS NULL AND role = 'coordinator')
       UPDATE ${t} s SET outcome = 'rejected', reason = 'the scheme already has a coordinator on line ' || c.first
         FROM c WHERE s.import_id = $1 AND s.line = c.line AND c.first < c.line`,
    );
    await step(
      `UPDATE ${t} s SET outcome = CASE WHEN EXISTS (SELECT 1 FROM scheme_member m WHERE m.scheme_id = s.scheme_id AND m.resident_id = s.resident_id)
                                        THEN 'matched' ELSE 'new' END
        WHERE s.import_id = $1 AND s.outcome IS NULL`,
    );
  }

  async schemeCounts(importId: string, tx: EntityManager): Promise<SchemeCounts> {
    const [c] = await tx.query<SchemeCounts[]>(
      `SELECT count(DISTINCT scheme_id) FILTER (WHERE new_scheme)::int AS new, count(DISTINCT scheme_id) FILTER (WHERE NOT new_scheme)::int AS existing
         FROM ${SCHEME_STAGING} WHERE import_id = $1 AND outcome IN ('new', 'matched')`,
      [importId],
    );
    return c;
  }
}
