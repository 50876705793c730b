import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { rowsOf } from '@beacon/core';

/** The SQL of this lib's part of a resident's GDPR export and erasure; what it keeps and why is said on the exporter (import-resident-data.ts), which delegates here. */
@Injectable()
export class ImportResidentDataRepository {
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
