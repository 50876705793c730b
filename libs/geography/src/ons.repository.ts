import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface OnsWardRow {
  code: string;
  name: string;
  ladCode: string;
  ladName: string;
  year: number;
}

/** The ONS lookup (reference data for every ward of the file) and ward populations. */
@Injectable()
export class OnsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Upserts the lookup in one statement; wards Beacon already holds get the new names and local authority. */
  async upsertLookup(rows: OnsWardRow[]): Promise<{ created: number; updated: number; wardsRenamed: number }> {
    return this.db.transaction(async (tx) => {
      const res = await tx.query<{ inserted: boolean }[]>(
        `INSERT INTO ons_ward (code, name, lad_code, lad_name, year)
         SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::smallint[])
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, lad_code = EXCLUDED.lad_code, lad_name = EXCLUDED.lad_name, year = EXCLUDED.year
         RETURNING (xmax = 0) AS inserted`,
        [rows.map((r) => r.code), rows.map((r) => r.name), rows.map((r) => r.ladCode), rows.map((r) => r.ladName), rows.map((r) => r.year)],
      );
      const [renamed] = await tx.query<{ n: number }[]>(
        `WITH u AS (
           UPDATE ward w SET name = o.name, lad_code = o.lad_code, lad_name = o.lad_name FROM ons_ward o
            WHERE o.code = w.code AND (w.name, w.lad_code, w.lad_name) IS DISTINCT FROM (o.name, o.lad_code, o.lad_name) RETURNING w.code)
         SELECT count(*)::int AS n FROM u`,
      );
      const created = res.filter((r) => r.inserted).length;
      return { created, updated: res.length - created, wardsRenamed: renamed.n };
    });
  }

  findOnsWards(codes: string[]): Promise<OnsWardRow[]> {
    return this.db.query<OnsWardRow[]>(
      `SELECT code, name, lad_code AS "ladCode", lad_name AS "ladName", year FROM ons_ward WHERE code = ANY($1::varchar[])`,
      [codes],
    );
  }

  async knownWards(codes: string[]): Promise<string[]> {
    const rows = await this.db.query<{ code: string }[]>('SELECT code FROM ward WHERE code = ANY($1::varchar[])', [codes]);
    return rows.map((r) => r.code);
  }

  async setPopulations(rows: { wardCode: string; population: number }[]): Promise<number> {
    const [res] = await this.db.query<{ n: number }[]>(
      `WITH u AS (UPDATE ward w SET population = r.population FROM unnest($1::varchar[], $2::int[]) AS r(code, population)
                   WHERE w.code = r.code RETURNING w.code)
       SELECT count(*)::int AS n FROM u`,
      [rows.map((r) => r.wardCode), rows.map((r) => r.population)],
    );
    return res.n;
  }
}
