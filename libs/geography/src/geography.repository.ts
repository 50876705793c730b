import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@beacon/core';

export interface WardView {
  code: string;
  name: string;
  npuCode: string;
  neighbourhood: string;
  neighbourhoodId: string;
  population: number;
}

export interface GeographyRow {
  npuCode: string;
  npuName: string;
  neighbourhood: string;
  wardCode: string;
  wardName: string;
  population: number;
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
  async importRows(rows: GeographyRow[], opts: { actor: string; onMoves: (moves: WardMove[]) => void }): Promise<ImportCounts> {
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
        `INSERT INTO ward (code, name, npu_code, neighbourhood_id, population)
         SELECT r.code, r.name, r.npu, n.id, r.population
           FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::int[]) AS r(code, name, npu, hood, population)
           JOIN neighbourhood n ON n.npu_code = r.npu AND n.name = r.hood
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, npu_code = EXCLUDED.npu_code,
           neighbourhood_id = EXCLUDED.neighbourhood_id, population = EXCLUDED.population
         RETURNING (xmax = 0) AS inserted`,
        [rows.map((r) => r.wardCode), rows.map((r) => r.wardName), rows.map((r) => r.npuCode), rows.map((r) => r.neighbourhood), rows.map((r) => r.population)],
      );
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
