import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface SchemeTarget {
  npuCode: string;
  type: string;
  target: number;
  dueDate: string;
  updatedAt: Date;
}

export interface SchemeCountRow {
  npuCode: string;
  type: string;
  current: number;
  members: number;
  target: number | null;
  dueDate: string | null;
}

@Injectable()
export class SchemeReportRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async upsertTarget(t: Omit<SchemeTarget, 'updatedAt'>, setBy: string): Promise<SchemeTarget> {
    const [row] = await this.db.query<SchemeTarget[]>(
      `INSERT INTO scheme_target (npu_code, type, target, due_date, set_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (npu_code, type) DO UPDATE
         SET target = EXCLUDED.target, due_date = EXCLUDED.due_date, set_by = EXCLUDED.set_by, updated_at = now()
       RETURNING npu_code AS "npuCode", type, target, due_date::text AS "dueDate", updated_at AS "updatedAt"`,
      [t.npuCode, t.type, t.target, t.dueDate, setBy],
    );
    return row;
  }

  /** For the demo seed: never overwrites a target someone set. */
  async insertTargetIfAbsent(t: Omit<SchemeTarget, 'updatedAt'>, setBy: string): Promise<void> {
    await this.db.query<unknown>(
      `INSERT INTO scheme_target (npu_code, type, target, due_date, set_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (npu_code, type) DO NOTHING`,
      [t.npuCode, t.type, t.target, t.dueDate, setBy],
    );
  }

  listTargets(npuCode?: string): Promise<SchemeTarget[]> {
    return this.db.query<SchemeTarget[]>(
      `SELECT npu_code AS "npuCode", type, target, due_date::text AS "dueDate", updated_at AS "updatedAt"
         FROM scheme_target WHERE ($1::varchar IS NULL OR npu_code = $1) ORDER BY npu_code, type`,
      [npuCode ?? null],
    );
  }

  /**
   * Every NPU × every scheme type: active schemes, distinct active residents who belong to
   * an active scheme of that type, and the target if one is set.
   */
  countsByNpuAndType(npuCode?: string): Promise<SchemeCountRow[]> {
    return this.db.query<SchemeCountRow[]>(
      `WITH active AS (
         SELECT s.id, s.type, w.npu_code FROM scheme s JOIN ward w ON w.code = s.ward_code
          WHERE s.status = 'active' AND ($1::varchar IS NULL OR w.npu_code = $1)
       ),
       current AS (SELECT npu_code, type, count(*)::int AS n FROM active GROUP BY npu_code, type),
       members AS (
         SELECT a.npu_code, a.type, count(DISTINCT m.resident_id)::int AS n
           FROM active a
           JOIN scheme_member m ON m.scheme_id = a.id
           JOIN resident r ON r.id = m.resident_id AND r.status = 'active'
          GROUP BY a.npu_code, a.type
       )
       SELECT n.code AS "npuCode", t.code AS type,
              COALESCE(c.n, 0) AS current, COALESCE(mb.n, 0) AS members,
              st.target, st.due_date::text AS "dueDate"
         FROM npu n
        CROSS JOIN scheme_type t
         LEFT JOIN current c ON c.npu_code = n.code AND c.type = t.code
         LEFT JOIN members mb ON mb.npu_code = n.code AND mb.type = t.code
         LEFT JOIN scheme_target st ON st.npu_code = n.code AND st.type = t.code
        WHERE ($1::varchar IS NULL OR n.code = $1)
        ORDER BY n.code, t.code`,
      [npuCode ?? null],
    );
  }

  /** Distinct active residents in any active scheme (a resident in two schemes counts once). */
  async distinctActiveMembers(npuCode?: string): Promise<number> {
    const [row] = await this.db.query<{ n: number }[]>(
      `SELECT count(DISTINCT m.resident_id)::int AS n
         FROM scheme s
         JOIN ward w ON w.code = s.ward_code
         JOIN scheme_member m ON m.scheme_id = s.id
         JOIN resident r ON r.id = m.resident_id AND r.status = 'active'
        WHERE s.status = 'active' AND ($1::varchar IS NULL OR w.npu_code = $1)`,
      [npuCode ?? null],
    );
    return row.n;
  }
}
