import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AreaKind } from './geography.entity';

export interface AreaView {
  id: string;
  name: string;
  kind: AreaKind;
  npuCode: string;
  wardCodes: string[];
  neighbourhoodIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface AreaWards {
  id: string;
  npuCode: string;
  wardCodes: string[];
}

const SELECT_AREA = `SELECT a.id, a.name, a.kind, a.npu_code AS "npuCode", a.created_at AS "createdAt", a.updated_at AS "updatedAt",
       COALESCE((SELECT array_agg(aw.ward_code ORDER BY aw.ward_code) FROM area_ward aw WHERE aw.area_id = a.id), '{}') AS "wardCodes",
       COALESCE((SELECT array_agg(an.neighbourhood_id::text ORDER BY an.neighbourhood_id) FROM area_neighbourhood an WHERE an.area_id = a.id), '{}') AS "neighbourhoodIds"
  FROM area a`;

/** Writer of `area`, `area_ward` and `area_neighbourhood`. */
@Injectable()
export class AreaRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  list(npuCode: string | undefined): Promise<AreaView[]> {
    return this.db.query<AreaView[]>(`${SELECT_AREA} WHERE ($1::varchar IS NULL OR a.npu_code = $1) ORDER BY a.npu_code, a.name`, [npuCode ?? null]);
  }

  async find(id: string, m: EntityManager = this.db.manager): Promise<AreaView | null> {
    const rows = await m.query<AreaView[]>(`${SELECT_AREA} WHERE a.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Which of `codes` are wards of `npuCode`. */
  async wardsOf(npuCode: string, codes: string[]): Promise<Set<string>> {
    if (!codes.length) return new Set();
    const rows = await this.db.query<{ code: string }[]>('SELECT code FROM ward WHERE npu_code = $1 AND code = ANY($2::varchar[])', [npuCode, codes]);
    return new Set(rows.map((r) => r.code));
  }

  async neighbourhoodsOf(npuCode: string, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.db.query<{ id: string }[]>('SELECT id::text AS id FROM neighbourhood WHERE npu_code = $1 AND id = ANY($2::uuid[])', [npuCode, ids]);
    return new Set(rows.map((r) => r.id));
  }

  async insert(m: EntityManager, a: { name: string; kind: AreaKind; npuCode: string }): Promise<string | null> {
    const rows = await m.query<{ id: string }[]>(
      `INSERT INTO area (name, kind, npu_code) VALUES ($1, $2, $3) ON CONFLICT ON CONSTRAINT uq_area_npu_name DO NOTHING RETURNING id`,
      [a.name, a.kind, a.npuCode],
    );
    return rows[0]?.id ?? null;
  }

  /** false: the new name is taken in the NPU (checked in the UPDATE; the unique constraint catches two renames racing). */
  async update(m: EntityManager, id: string, patch: { name?: string; kind?: AreaKind }): Promise<boolean> {
    try {
      const rows = await m.query<[{ id: string }[], number]>(
        `UPDATE area SET name = COALESCE($2, name), kind = COALESCE($3, kind), updated_at = now()
          WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM area b WHERE b.npu_code = area.npu_code AND b.name = $2 AND b.id <> $1)
          RETURNING id`,
        [id, patch.name ?? null, patch.kind ?? null],
      );
      return rows[1] > 0;
    } catch (e) {
      if ((e as { code?: string; constraint?: string }).constraint === 'uq_area_npu_name') return false;
      throw e;
    }
  }

  async setWards(m: EntityManager, id: string, codes: string[]): Promise<void> {
    await m.query<unknown>('DELETE FROM area_ward WHERE area_id = $1', [id]);
    if (codes.length) await m.query<unknown>('INSERT INTO area_ward (area_id, ward_code) SELECT $1, unnest($2::varchar[])', [id, codes]);
  }

  async setNeighbourhoods(m: EntityManager, id: string, ids: string[]): Promise<void> {
    await m.query<unknown>('DELETE FROM area_neighbourhood WHERE area_id = $1', [id]);
    if (ids.length) await m.query<unknown>('INSERT INTO area_neighbourhood (area_id, neighbourhood_id) SELECT $1, unnest($2::uuid[])', [id, ids]);
  }

  async remove(id: string): Promise<void> {
    await this.db.query<unknown>('DELETE FROM area WHERE id = $1', [id]);
  }

  /** Each area's wards: those named and those of its neighbourhoods (one set-based query). */
  wardsOfAreas(ids: string[]): Promise<AreaWards[]> {
    return this.db.query<AreaWards[]>(
      `SELECT a.id, a.npu_code AS "npuCode",
              COALESCE(array_agg(DISTINCT w.code ORDER BY w.code) FILTER (WHERE w.code IS NOT NULL), '{}') AS "wardCodes"
         FROM area a
         LEFT JOIN (SELECT aw.area_id, aw.ward_code AS code FROM area_ward aw
                    UNION SELECT an.area_id, w.code FROM area_neighbourhood an JOIN ward w ON w.neighbourhood_id = an.neighbourhood_id) w ON w.area_id = a.id
        WHERE a.id = ANY($1::uuid[])
        GROUP BY a.id, a.npu_code
        ORDER BY a.id`,
      [ids],
    );
  }
}
