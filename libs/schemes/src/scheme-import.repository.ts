import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * An import's staged member lines (libs/imports owns the table): `scheme_id`, `resident_id`,
 * `new_scheme`, `scheme_type`, `scheme_name`, `ward_code`, `role`, `joined_at`, `consent_at`,
 * `source_system`, and `outcome` ('new' = a membership to add, 'matched' = already a member).
 */
export interface StagedSchemeMembers {
  table: string;
  importId: string;
}

const tableName = (t: string) => {
  if (!/^[a-z_]{1,63}$/.test(t)) throw new Error(`Not a table name: ${t}`);
  return t;
};

/** Set-based writes of a scheme import into scheme and scheme_member (INSERT … SELECT / UPDATE … FROM). */
@Injectable()
export class SchemeImportRepository {
  /**
   * Locks, in id order, the existing schemes the staged lines name (type, ward, name in any
   * case), so member and coordinator changes by staff wait for the commit and the
   * classification that follows sees them.
   */
  async lockNamed(src: StagedSchemeMembers, tx: EntityManager): Promise<void> {
    const t = tableName(src.table);
    await tx.query<unknown>(
      `SELECT sc.id FROM scheme sc
        WHERE EXISTS (SELECT 1 FROM ${t} s WHERE s.import_id = $1 AND s.scheme_type = sc.type AND s.ward_code = sc.ward_code AND lower(s.scheme_name) = lower(sc.name))
        ORDER BY sc.id FOR UPDATE`,
      [src.importId],
    );
  }

  /** The schemes no one has yet, named as on their first line. */
  async insertSchemes(src: StagedSchemeMembers, tx: EntityManager): Promise<number> {
    const t = tableName(src.table);
    const [{ n }] = await tx.query<{ n: number }[]>(
      `WITH ins AS (
         INSERT INTO scheme (id, type, name, ward_code, status)
         SELECT DISTINCT ON (s.scheme_id) s.scheme_id, s.scheme_type, s.scheme_name, s.ward_code, 'active'
           FROM ${t} s WHERE s.import_id = $1 AND s.outcome = 'new' AND s.new_scheme
          ORDER BY s.scheme_id, s.line
         RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [src.importId],
    );
    return n;
  }

  /** Memberships with their consent's provenance: given on the old platform (source, date), carried by this import. */
  async insertMembers(src: StagedSchemeMembers, tx: EntityManager): Promise<number> {
    const t = tableName(src.table);
    const [{ n }] = await tx.query<{ n: number }[]>(
      `WITH ins AS (
         INSERT INTO scheme_member (scheme_id, resident_id, joined_at, consent, consent_recorded_by, consent_source, consent_at)
         SELECT s.scheme_id, s.resident_id, coalesce(s.joined_at, s.consent_at), 'imported', 'import:' || s.import_id, s.source_system, coalesce(s.consent_at, s.joined_at)
           FROM ${t} s WHERE s.import_id = $1 AND s.outcome = 'new'
         ON CONFLICT (scheme_id, resident_id) DO NOTHING
         RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [src.importId],
    );
    return n;
  }

  /** A coordinator line's resident coordinates a scheme that has none (Beacon's coordinator is kept). */
  async setCoordinators(src: StagedSchemeMembers, tx: EntityManager): Promise<number> {
    const t = tableName(src.table);
    const [, n] = await tx.query<[unknown[], number]>(
      `UPDATE scheme sc SET coordinator_resident_id = s.resident_id, updated_at = now()
         FROM ${t} s
        WHERE s.import_id = $1 AND s.outcome IN ('new', 'matched') AND s.role = 'coordinator' AND sc.id = s.scheme_id
          AND sc.coordinator_resident_id IS NULL
          AND EXISTS (SELECT 1 FROM scheme_member m WHERE m.scheme_id = sc.id AND m.resident_id = s.resident_id)`,
      [src.importId],
    );
    return n;
  }
}
