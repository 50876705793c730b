import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { rowsOf } from '@beacon/core';
import { ResidentDataExporterProvider, type ResidentDataExporter } from '@beacon/residents';

/**
 * Staged lines of an import not yet committed that matched the resident (resident lines and
 * scheme-member lines): in their export while
 * they exist (at most 7 days), and deleted by their erasure, so a pending commit cannot bring
 * back what they asked to have removed.
 */
@ResidentDataExporterProvider()
@Injectable()
export class ImportResidentData implements ResidentDataExporter {
  readonly section = 'pendingImports';
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async exportFor(residentId: string): Promise<unknown[]> {
    const residents = rowsOf(
      await this.db.query(
        `SELECT s.import_id AS "importId", s.line, s.email, s.phone, s.first_name AS "firstName", s.last_name AS "lastName", s.ward_code AS "wardCode"
           FROM import_resident_row s WHERE s.resident_id = $1 ORDER BY s.import_id, s.line`,
        [residentId],
      ),
    );
    const memberships = rowsOf(
      await this.db.query(
        `SELECT s.import_id AS "importId", s.line, s.email, s.phone, s.scheme_type AS "schemeType", s.scheme_name AS "schemeName", s.ward_code AS "wardCode", s.role
           FROM import_scheme_row s WHERE s.resident_id = $1 ORDER BY s.import_id, s.line`,
        [residentId],
      ),
    );
    return [...residents, ...memberships];
  }

  async eraseFor(residentId: string, tx: EntityManager): Promise<void> {
    await tx.query<unknown>(`DELETE FROM import_resident_row WHERE resident_id = $1`, [residentId]);
    await tx.query<unknown>(`DELETE FROM import_scheme_row WHERE resident_id = $1`, [residentId]);
  }
}
