import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { endOfLondonDay } from '@beacon/core';

export interface SchemeTarget {
  npuCode: string;
  type: string;
  target: number;
  /** Members aimed for; null when none was set. */
  memberTarget: number | null;
  dueDate: string;
  /** The day it took effect. */
  setOn: string;
  updatedAt: Date;
}

const TARGET_COLUMNS = `npu_code AS "npuCode", type, target, member_target AS "memberTarget", due_date::text AS "dueDate", set_on::text AS "setOn", updated_at AS "updatedAt"`;

export interface SchemeCountRow {
  npuCode: string;
  type: string;
  current: number;
  members: number;
  target: number | null;
  memberTarget: number | null;
  dueDate: string | null;
}

/**
 * What held at the end of London day $2: schemes with an open period covering it, and the
 * membership periods covering that instant (a member counts whether or not they receive
 * messages; an erased member stays counted under an anonymous key for the days they belonged).
 */
const OPEN_AT = `
  open_ AS (
    SELECT s.id, s.type, w.npu_code FROM scheme s JOIN ward w ON w.code = s.ward_code
     WHERE ($1::varchar IS NULL OR w.npu_code = $1)
       AND EXISTS (SELECT 1 FROM scheme_period p WHERE p.scheme_id = s.id AND p.opened_on <= $2::date AND (p.closed_on IS NULL OR p.closed_on > $2::date))
  ),
  members_at AS (
    SELECT o.npu_code, o.type, mp.member_key FROM open_ o
      JOIN scheme_member_period mp ON mp.scheme_id = o.id
     WHERE mp.joined_at < ${endOfLondonDay('$2')} AND (mp.left_at IS NULL OR mp.left_at >= ${endOfLondonDay('$2')})
  )`;

@Injectable()
export class SchemeReportRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** One target per NPU × type × due date: setting the same due date again corrects it; another due date adds one. */
  async upsertTarget(t: Omit<SchemeTarget, 'updatedAt'>, setBy: string): Promise<SchemeTarget> {
    const [row] = await this.db.query<SchemeTarget[]>(
      `INSERT INTO scheme_target (npu_code, type, target, member_target, due_date, set_on, set_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (npu_code, type, due_date) DO UPDATE
         SET target = EXCLUDED.target, member_target = EXCLUDED.member_target, set_on = EXCLUDED.set_on, set_by = EXCLUDED.set_by, updated_at = now()
       RETURNING ${TARGET_COLUMNS}`,
      [t.npuCode, t.type, t.target, t.memberTarget, t.dueDate, t.setOn, setBy],
    );
    return row;
  }

  /** For the demo seed: never adds a target where someone set one. */
  async insertTargetIfAbsent(t: Omit<SchemeTarget, 'updatedAt' | 'memberTarget' | 'setOn'>, setBy: string): Promise<void> {
    await this.db.query<unknown>(
      `INSERT INTO scheme_target (npu_code, type, target, due_date, set_by)
       SELECT $1::varchar, $2::varchar, $3::int, $4::date, $5::varchar
        WHERE NOT EXISTS (SELECT 1 FROM scheme_target WHERE npu_code = $1::varchar AND type = $2::varchar)`,
      [t.npuCode, t.type, t.target, t.dueDate, setBy],
    );
  }

  listTargets(npuCode?: string): Promise<SchemeTarget[]> {
    return this.db.query<SchemeTarget[]>(
      `SELECT ${TARGET_COLUMNS} FROM scheme_target WHERE ($1::varchar IS NULL OR npu_code = $1) ORDER BY npu_code, type, set_on, due_date`,
      [npuCode ?? null],
    );
  }

  /**
   * Every NPU × every scheme type as at a day: open schemes, distinct members of open schemes
   * of that type, and the target in force then (the latest set on or before the day).
   */
  countsByNpuAndType(npuCode: string | undefined, asAt: string): Promise<SchemeCountRow[]> {
    return this.db.query<SchemeCountRow[]>(
      `WITH ${OPEN_AT},
       current AS (SELECT npu_code, type, count(*)::int AS n FROM open_ GROUP BY npu_code, type),
       members AS (SELECT npu_code, type, count(DISTINCT member_key)::int AS n FROM members_at GROUP BY npu_code, type),
       targets AS (
         SELECT DISTINCT ON (npu_code, type) npu_code, type, target, member_target, due_date
           FROM scheme_target WHERE set_on <= $2::date AND ($1::varchar IS NULL OR npu_code = $1)
          ORDER BY npu_code, type, set_on DESC, updated_at DESC, due_date DESC
       )
       SELECT n.code AS "npuCode", t.code AS type,
              COALESCE(c.n, 0) AS current, COALESCE(mb.n, 0) AS members,
              st.target, st.member_target AS "memberTarget", st.due_date::text AS "dueDate"
         FROM npu n
        CROSS JOIN scheme_type t
         LEFT JOIN current c ON c.npu_code = n.code AND c.type = t.code
         LEFT JOIN members mb ON mb.npu_code = n.code AND mb.type = t.code
         LEFT JOIN targets st ON st.npu_code = n.code AND st.type = t.code
        WHERE ($1::varchar IS NULL OR n.code = $1)
        ORDER BY n.code, t.code`,
      [npuCode ?? null, asAt],
    );
  }

  /** Distinct members of any open scheme as at the day (someone in two schemes counts once). */
  async distinctMembers(npuCode: string | undefined, asAt: string): Promise<number> {
    const [row] = await this.db.query<{ n: number }[]>(`WITH ${OPEN_AT} SELECT count(DISTINCT member_key)::int AS n FROM members_at`, [npuCode ?? null, asAt]);
    return row.n;
  }
}
