import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '@beacon/core';

export interface WardView {
  code: string;
  name: string;
  npuCode: string;
  neighbourhood: string;
  neighbourhoodId: string;
  population: number;
}

export interface WardFilter {
  codes?: string[];
  npuCodes?: string[];
  neighbourhoodIds?: string[];
}

export interface GeographyRow {
  npuCode: string;
  npuName: string;
  neighbourhood: string;
  wardCode: string;
  wardName: string;
  /** null: keep the ward's population (0 for a new ward). */
  population: number | null;
  /** From the ONS lookup, for ONS-coded wards. */
  ladCode?: string | null;
  ladName?: string | null;
}

export interface WardMove {
  wardCode: string;
  fromNpu: string;
  toNpu: string;
}

export interface ImportCounts {
  rows: number;
  npusCreated: number;
  neighbourhoodsCreated: number;
  wardsCreated: number;
  wardsUpdated: number;
  /** Wards moved to another NPU by this import (only with moveWards). */
  wardsMoved: number;
}

@Injectable()
export class GeographyRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  listNpus(): Promise<{ code: string; name: string }[]> {
    return this.db.query<{ code: string; name: string }[]>('SELECT code, name FROM npu ORDER BY code');
  }

  async npuExists(code: string): Promise<boolean> {
    return (await this.db.query<unknown[]>('SELECT 1 FROM npu WHERE code = $1', [code])).length > 0;
  }

  listWards(npuCode?: string): Promise<WardView[]> {
    return this.db.query<WardView[]>(
      `SELECT w.code, w.name, w.npu_code AS "npuCode", n.name AS neighbourhood, n.id AS "neighbourhoodId", w.population
         FROM ward w JOIN neighbourhood n ON n.id = w.neighbourhood_id
        WHERE ($1::varchar IS NULL OR w.npu_code = $1)
        ORDER BY w.npu_code, n.name, w.name`,
      [npuCode ?? null],
    );
  }

  async findWard(code: string): Promise<WardView | null> {
    const rows = await this.db.query<WardView[]>(
      `SELECT w.code, w.name, w.npu_code AS "npuCode", n.name AS neighbourhood, n.id AS "neighbourhoodId", w.population
         FROM ward w JOIN neighbourhood n ON n.id = w.neighbourhood_id WHERE w.code = $1`,
      [code],
    );
    return rows[0] ?? null;
  }

  /** Wards matching every filter given (codes, NPUs, neighbourhoods); an omitted filter matches all. */
  findWards(f: WardFilter): Promise<WardView[]> {
    return this.db.query<WardView[]>(
      `SELECT w.code, w.name, w.npu_code AS "npuCode", n.name AS neighbourhood, n.id AS "neighbourhoodId", w.population
         FROM ward w JOIN neighbourhood n ON n.id = w.neighbourhood_id
        WHERE ($1::varchar[] IS NULL OR w.code = ANY($1::varchar[]))
          AND ($2::varchar[] IS NULL OR w.npu_code = ANY($2::varchar[]))
          AND ($3::uuid[] IS NULL OR w.neighbourhood_id = ANY($3::uuid[]))`,
      [f.codes ?? null, f.npuCodes ?? null, f.neighbourhoodIds ?? null],
    );
  }

  findNpus(codes: string[]): Promise<{ code: string; name: string }[]> {
    return this.db.query<{ code: string; name: string }[]>('SELECT code, name FROM npu WHERE code = ANY($1::varchar[])', [codes]);
  }

  listNeighbourhoods(npuCode?: string): Promise<{ id: string; name: string; npuCode: string }[]> {
    return this.db.query<{ id: string; name: string; npuCode: string }[]>(
      `SELECT id, name, npu_code AS "npuCode" FROM neighbourhood WHERE ($1::varchar IS NULL OR npu_code = $1) ORDER BY npu_code, name`,
      [npuCode ?? null],
    );
  }

  /**
   * Upserts the whole file in one transaction: all rows or none. The wards it would move to
   * another NPU are locked and handed to `onMoves` first (which may refuse by throwing);
   * each move that goes ahead writes a `geography.ward.move` audit event in the transaction.
   */
  async importRows(
    rows: GeographyRow[],
    opts: { actor: string; onMoves: (moves: WardMove[]) => void; inTransaction?: (tx: EntityManager) => Promise<void> },
  ): Promise<ImportCounts> {
    return this.db.transaction(async (tx) => {
      const moves = await tx.query<WardMove[]>(
        `SELECT w.code AS "wardCode", w.npu_code AS "fromNpu", r.npu AS "toNpu"
           FROM ward w JOIN unnest($1::varchar[], $2::varchar[]) AS r(code, npu) ON r.code = w.code
          WHERE w.npu_code <> r.npu
          ORDER BY w.code
          FOR UPDATE OF w`,
        [rows.map((r) => r.wardCode), rows.map((r) => r.npuCode)],
      );
      opts.onMoves(moves);
      for (const m of moves) {
        await this.audit.record({ actor: opts.actor, action: 'geography.ward.move', subject: `ward:${m.wardCode}`, data: { ...m } }, tx);
      }
      const npus = [...new Map(rows.map((r) => [r.npuCode, r.npuName])).entries()];
      const npuRes = await tx.query<{ inserted: boolean }[]>(
        `INSERT INTO npu (code, name) SELECT * FROM unnest($1::varchar[], $2::varchar[])
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name RETURNING (xmax = 0) AS inserted`,
        [npus.map((n) => n[0]), npus.map((n) => n[1])],
      );
      const hoods = [...new Set(rows.map((r) => `${r.npuCode}\u0000${r.neighbourhood}`))].map((k) => k.split('\u0000'));
      const hoodRes = await tx.query<{ inserted: boolean }[]>(
        `INSERT INTO neighbourhood (npu_code, name) SELECT * FROM unnest($1::varchar[], $2::varchar[])
         ON CONFLICT ON CONSTRAINT uq_neighbourhood_npu_name DO UPDATE SET name = EXCLUDED.name RETURNING (xmax = 0) AS inserted`,
        [hoods.map((h) => h[0]), hoods.map((h) => h[1])],
      );
      const wardRes = await tx.query<{ inserted: boolean }[]>(
        `INSERT INTO ward (code, name, npu_code, neighbourhood_id, population, lad_code, lad_name)
         SELECT r.code, r.name, r.npu, n.id, coalesce(r.population, 0), r.lad_code, r.lad_name
           FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::int[], $6::varchar[], $7::varchar[])
                AS r(code, name, npu, hood, population, lad_code, lad_name)
           JOIN neighbourhood n ON n.npu_code = r.npu AND n.name = r.hood
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, npu_code = EXCLUDED.npu_code, neighbourhood_id = EXCLUDED.neighbourhood_id,
           population = CASE WHEN EXCLUDED.code = ANY($8::varchar[]) THEN ward.population ELSE EXCLUDED.population END,
           lad_code = coalesce(EXCLUDED.lad_code, ward.lad_code), lad_name = coalesce(EXCLUDED.lad_name, ward.lad_name)
         RETURNING (xmax = 0) AS inserted`,
        [
          rows.map((r) => r.wardCode),
          rows.map((r) => r.wardName),
          rows.map((r) => r.npuCode),
          rows.map((r) => r.neighbourhood),
          rows.map((r) => r.population),
          rows.map((r) => r.ladCode ?? null),
          rows.map((r) => r.ladName ?? null),
          rows.filter((r) => r.population === null).map((r) => r.wardCode),
        ],
      );
      await opts.inTransaction?.(tx);
      const created = (res: { inserted: boolean }[]) => res.filter((r) => r.inserted).length;
      return {
        rows: rows.length,
        npusCreated: created(npuRes),
        neighbourhoodsCreated: created(hoodRes),
        wardsCreated: created(wardRes),
        wardsUpdated: wardRes.length - created(wardRes),
        wardsMoved: moves.length,
      };
    });
  }
}
