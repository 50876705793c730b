import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { importDecisionSql } from '@beacon/residents';

export const RESIDENT_STAGING = 'import_resident_row';
/** The staging table of each kind of import. */
export const STAGING_TABLES = { residents: RESIDENT_STAGING, schemes: 'import_scheme_row' } as const;
export type StagingTable = (typeof STAGING_TABLES)[keyof typeof STAGING_TABLES];

export interface ClassCounts {
  rows: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  matched: number;
}

export interface RowError {
  line: number;
  reason: string;
}

export interface RowMatch {
  line: number;
  residentId: string;
  by: 'email' | 'phone' | 'both';
  /** Fields where Beacon's value is kept over a different imported one. */
  kept: string[];
  /** Fields the import fills (Beacon had none) or moves earlier. */
  filled: string[];
}

/** The staged lines of a resident import and their classification, all set-based. */
@Injectable()
export class StagingRepository {
  /**
   * Classifies every line, in SQL, against Beacon as it is now (the dry run, and again in the
   * commit's transaction): invalid lines are rejected; a line sharing an e-mail or phone with an
   * earlier valid line is a duplicate of the first such line; the rest match an existing resident
   * by e-mail or phone or are new. A line whose e-mail and phone belong to two different
   * residents, or matching a resident of another NPU (NPU-bound uploader), is rejected; a second
   * line reaching the same resident is a duplicate.
   */
  async classify(importId: string, npuCode: string | null, tx: EntityManager): Promise<void> {
    const t = RESIDENT_STAGING;
    await tx.query<unknown>(
      `UPDATE ${t} SET outcome = CASE WHEN invalid_reason IS NOT NULL THEN 'rejected' END, reason = invalid_reason, resident_id = NULL, match_by = NULL
        WHERE import_id = $1`,
      [importId],
    );
    await tx.query<unknown>(
      `WITH v AS (
         SELECT line,
                CASE WHEN email IS NOT NULL THEN min(line) OVER (PARTITION BY email) END AS fe,
                CASE WHEN phone IS NOT NULL THEN min(line) OVER (PARTITION BY phone) END AS fp
           FROM ${t} WHERE import_id = $1 AND outcome IS NULL),
       d AS (
         SELECT line, CASE WHEN fe < line AND (fp IS NULL OR fp >= line OR fe <= fp) THEN 'duplicate of line ' || fe || ' (same e-mail)'
                           WHEN fp < line THEN 'duplicate of line ' || fp || ' (same phone)' END AS reason
           FROM v WHERE fe < line OR fp < line)
       UPDATE ${t} s SET outcome = 'duplicate', reason = d.reason FROM d WHERE s.import_id = $1 AND s.line = d.line`,
      [importId],
    );
    await tx.query<unknown>(
      `WITH m AS (
         SELECT s.line, re.id AS eid, rp.id AS pid, coalesce(re.ward_code, rp.ward_code) AS ward_code
           FROM ${t} s
           LEFT JOIN resident re ON re.email = s.email
           LEFT JOIN resident rp ON rp.phone_e164 = s.phone
          WHERE s.import_id = $1 AND s.outcome IS NULL AND (re.id IS NOT NULL OR rp.id IS NOT NULL))
       UPDATE ${t} s
          SET resident_id = coalesce(m.eid, m.pid),
              match_by = CASE WHEN m.eid IS NOT NULL AND m.pid IS NOT NULL THEN 'both' WHEN m.eid IS NOT NULL THEN 'email' ELSE 'phone' END,
              outcome = CASE WHEN m.eid <> m.pid OR ($2::varchar IS NOT NULL AND w.npu_code <> $2) THEN 'rejected' ELSE 'matched' END,
              reason = CASE WHEN m.eid <> m.pid THEN 'e-mail and phone belong to two different residents'
                            WHEN $2::varchar IS NOT NULL AND w.npu_code <> $2 THEN 'matches a resident of another NPU' END
         FROM m JOIN ward w ON w.code = m.ward_code
        WHERE s.import_id = $1 AND s.line = m.line`,
      [importId, npuCode],
    );
    await tx.query<unknown>(
      `WITH f AS (SELECT line, min(line) OVER (PARTITION BY resident_id) AS first FROM ${t} WHERE import_id = $1 AND outcome = 'matched')
       UPDATE ${t} s SET outcome = 'duplicate', reason = 'matches the same resident as line ' || f.first
         FROM f WHERE s.import_id = $1 AND s.line = f.line AND f.first < f.line`,
      [importId],
    );
    await tx.query<unknown>(`UPDATE ${t} SET outcome = 'new', resident_id = gen_random_uuid() WHERE import_id = $1 AND outcome IS NULL`, [importId]);
  }

  /** Lines of an import by outcome, in either staging table. */
  async counts(importId: string, tx: EntityManager, table: StagingTable = RESIDENT_STAGING): Promise<ClassCounts> {
    const [c] = await tx.query<ClassCounts[]>(
      `SELECT count(*)::int AS rows,
              count(*) FILTER (WHERE outcome IN ('new', 'matched'))::int AS accepted,
              count(*) FILTER (WHERE outcome = 'rejected')::int AS rejected,
              count(*) FILTER (WHERE outcome = 'duplicate')::int AS duplicates,
              count(*) FILTER (WHERE outcome = 'matched')::int AS matched
         FROM ${table} WHERE import_id = $1`,
      [importId],
    );
    return c;
  }

  /** Matched lines with what the commit would do to each resident (field rules from libs/residents). */
  matches(importId: string, limit: number, tx: EntityManager): Promise<RowMatch[]> {
    const d = importDecisionSql('s', 'r');
    return tx.query<RowMatch[]>(
      `SELECT s.line, s.resident_id AS "residentId", s.match_by AS by, ${d.kept} AS kept, ${d.filled} AS filled
         FROM ${RESIDENT_STAGING} s JOIN resident r ON r.id = s.resident_id
        WHERE s.import_id = $1 AND s.outcome = 'matched' ORDER BY s.line LIMIT $2`,
      [importId, limit],
    );
  }

  /** Rejected and duplicate lines into the rejected-rows report (replacing an earlier classification's). */
  async saveRejections(importId: string, tx: EntityManager, table: StagingTable = RESIDENT_STAGING): Promise<void> {
    await tx.query<unknown>('DELETE FROM import_rejection WHERE import_id = $1', [importId]);
    await tx.query<unknown>(
      `INSERT INTO import_rejection (import_id, line, reason, raw)
       SELECT import_id, line, reason, raw FROM ${table} WHERE import_id = $1 AND outcome IN ('rejected', 'duplicate')`,
      [importId],
    );
  }

  async stagedRows(importId: string, tx: EntityManager, table: StagingTable = RESIDENT_STAGING): Promise<number> {
    const [{ n }] = await tx.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table} WHERE import_id = $1`, [importId]);
    return n;
  }

  async deleteStaged(importId: string, tx: EntityManager, table: StagingTable = RESIDENT_STAGING): Promise<void> {
    await tx.query<unknown>(`DELETE FROM ${table} WHERE import_id = $1`, [importId]);
  }
}
