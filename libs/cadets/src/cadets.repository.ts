import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { endOfLondonDay, type Keyset } from '@beacon/core';
import type { CadetRole, CadetUnitKind } from './cadet.entity';

export interface CadetUnitRecord {
  id: string;
  npuCode: string;
  name: string;
  kind: CadetUnitKind;
  /** Members who have not left, leaders included. */
  activeMembers: number;
  cadets: number;
  juniorPcsos: number;
  leaders: number;
  createdAt: Date;
}

/** Names and membership dates: what every staff role of the NPU may see. */
export interface CadetMemberRecord {
  id: string;
  unitId: string;
  firstName: string;
  lastName: string;
  role: CadetRole;
  joinedAt: Date;
  leftAt: Date | null;
}

/** Adds the sensitive fields: admins and the NPU's cadet leaders only, each read audited. */
export interface CadetMemberDetail extends CadetMemberRecord {
  dateOfBirth: string;
  guardianName: string | null;
  guardianPhone: string | null;
}

export interface NewCadetMember {
  unitId: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  guardianName: string | null;
  guardianPhone: string | null;
  role: CadetRole;
  /** A past day (Europe/London) for a member who joined earlier; null: now. */
  joinedOn: string | null;
}

export interface CadetSessionRecord {
  id: string;
  unitId: string;
  heldOn: string;
  attendeeCount: number;
}

export interface ReadOptions {
  /** Date of birth and guardian: opt-in. */
  withSensitive?: boolean;
}

const UNIT_VIEW = `
  SELECT u.id, u.npu_code AS "npuCode", u.name, u.kind,
         count(m.id)::int AS "activeMembers",
         count(m.id) FILTER (WHERE m.role = 'cadet')::int AS cadets,
         count(m.id) FILTER (WHERE m.role = 'junior_pcso')::int AS "juniorPcsos",
         count(m.id) FILTER (WHERE m.role = 'leader')::int AS leaders,
         u.created_at AS "createdAt"
    FROM cadet_unit u
    LEFT JOIN cadet_member m ON m.unit_id = u.id AND m.left_at IS NULL`;

const memberColumns = (opts: ReadOptions) =>
  `m.id, m.unit_id AS "unitId", m.first_name AS "firstName", m.last_name AS "lastName", m.role,
   m.joined_at AS "joinedAt", m.left_at AS "leftAt"` +
  (opts.withSensitive ? `, m.date_of_birth::text AS "dateOfBirth", m.guardian_name AS "guardianName", m.guardian_phone AS "guardianPhone"` : '');

@Injectable()
export class CadetsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Null when the NPU already has a unit of that name. */
  async insertUnit(u: { npuCode: string; name: string; kind: CadetUnitKind }): Promise<string | null> {
    const rows = await this.db.query<{ id: string }[]>(
      `INSERT INTO cadet_unit (npu_code, name, kind) VALUES ($1, $2, $3)
       ON CONFLICT ON CONSTRAINT uq_cadet_unit_npu_name DO NOTHING RETURNING id`,
      [u.npuCode, u.name, u.kind],
    );
    return rows[0]?.id ?? null;
  }

  async findUnit(id: string): Promise<CadetUnitRecord | null> {
    const rows = await this.db.query<CadetUnitRecord[]>(`${UNIT_VIEW} WHERE u.id = $1 GROUP BY u.id`, [id]);
    return rows[0] ?? null;
  }

  /** One page (limit + 1 rows) in (name, id) order. */
  listUnits(npuCode: string | undefined, after: Keyset | undefined, limit: number): Promise<CadetUnitRecord[]> {
    return this.db.query<CadetUnitRecord[]>(
      `${UNIT_VIEW}
        WHERE ($1::varchar IS NULL OR u.npu_code = $1)
          AND ($2::varchar IS NULL OR (u.name, u.id) > ($2::varchar, $3::uuid))
        GROUP BY u.id
        ORDER BY u.name, u.id
        LIMIT $4`,
      [npuCode ?? null, after?.key ?? null, after?.id ?? null, limit + 1],
    );
  }

  /** NPUs without any unit (the demo seed fills only those). */
  npusWithoutUnits(): Promise<{ code: string; name: string }[]> {
    return this.db.query<{ code: string; name: string }[]>(
      `SELECT n.code, n.name FROM npu n WHERE NOT EXISTS (SELECT 1 FROM cadet_unit u WHERE u.npu_code = n.code) ORDER BY n.code`,
    );
  }

  /** Null when the same person is already an active member of the unit. */
  async insertMember(m: NewCadetMember): Promise<CadetMemberDetail | null> {
    const rows = await this.db.query<CadetMemberDetail[]>(
      `INSERT INTO cadet_member AS m (unit_id, first_name, last_name, date_of_birth, guardian_name, guardian_phone, role, joined_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE(($8::date)::timestamp AT TIME ZONE 'Europe/London', now()))
       ON CONFLICT (unit_id, first_name, last_name, date_of_birth) WHERE left_at IS NULL DO NOTHING
       RETURNING ${memberColumns({ withSensitive: true })}`,
      [m.unitId, m.firstName, m.lastName, m.dateOfBirth, m.guardianName, m.guardianPhone, m.role, m.joinedOn],
    );
    return rows[0] ?? null;
  }

  /** One page (limit + 1 rows) in surname order; the sort key rides along as `sortKey`. */
  listMembers(
    unitId: string,
    q: { includeLeft: boolean; after?: Keyset; limit: number },
    opts: ReadOptions = {},
  ): Promise<(CadetMemberRecord & Partial<CadetMemberDetail> & { sortKey: string })[]> {
    return this.db.query<(CadetMemberRecord & Partial<CadetMemberDetail> & { sortKey: string })[]>(
      `SELECT ${memberColumns(opts)}, (m.last_name || ' ' || m.first_name) AS "sortKey"
         FROM cadet_member m
        WHERE m.unit_id = $1
          AND ($2::boolean OR m.left_at IS NULL)
          AND ($3::varchar IS NULL OR ((m.last_name || ' ' || m.first_name), m.id) > ($3::varchar, $4::uuid))
        ORDER BY (m.last_name || ' ' || m.first_name), m.id
        LIMIT $5`,
      [unitId, q.includeLeft, q.after?.key ?? null, q.after?.id ?? null, q.limit + 1],
    );
  }

  async findMember(unitId: string, memberId: string, opts: ReadOptions = {}): Promise<(CadetMemberRecord & Partial<CadetMemberDetail>) | null> {
    const rows = await this.db.query<CadetMemberDetail[]>(`SELECT ${memberColumns(opts)} FROM cadet_member m WHERE m.unit_id = $1 AND m.id = $2`, [
      unitId,
      memberId,
    ]);
    return rows[0] ?? null;
  }

  /**
   * Sets left_at once (the start of `leftOn`, a London day, or now); says whether the member was
   * there to leave, and refuses a day before they joined.
   */
  async markLeft(unitId: string, memberId: string, leftOn: string | null = null): Promise<'left' | 'already-left' | 'missing' | 'before-joining'> {
    const leftAt = `COALESCE(($3::date)::timestamp AT TIME ZONE 'Europe/London', now())`;
    // TypeORM answers an UPDATE with [rows, affected].
    const [, affected] = await this.db.query<[unknown[], number]>(
      `UPDATE cadet_member SET left_at = ${leftAt} WHERE unit_id = $1 AND id = $2 AND left_at IS NULL AND joined_at <= ${leftAt}`,
      [unitId, memberId, leftOn],
    );
    if (affected) return 'left';
    const member = await this.findMember(unitId, memberId);
    if (!member) return 'missing';
    return member.leftAt ? 'already-left' : 'before-joining';
  }

  /** Those of `memberIds` who are members of the unit and have not left. */
  async activeMembersAmong(tx: EntityManager, unitId: string, memberIds: string[]): Promise<string[]> {
    const rows = await tx.query<{ id: string }[]>(
      `SELECT id FROM cadet_member WHERE unit_id = $1 AND id = ANY($2::uuid[]) AND left_at IS NULL FOR SHARE`,
      [unitId, memberIds],
    );
    return rows.map((r) => r.id);
  }

  /** Null when the unit already has a session that day. */
  async insertSession(tx: EntityManager, unitId: string, heldOn: string): Promise<string | null> {
    const rows = await tx.query<{ id: string }[]>(
      `INSERT INTO cadet_session (unit_id, held_on) VALUES ($1, $2)
       ON CONFLICT ON CONSTRAINT uq_cadet_session_unit_day DO NOTHING RETURNING id`,
      [unitId, heldOn],
    );
    return rows[0]?.id ?? null;
  }

  async insertAttendance(tx: EntityManager, sessionId: string, memberIds: string[]): Promise<void> {
    await tx.query<unknown>(`INSERT INTO cadet_attendance (session_id, member_id) SELECT $1, unnest($2::uuid[])`, [sessionId, memberIds]);
  }

  /** One page (limit + 1 rows), latest first. */
  listSessions(unitId: string, after: Keyset | undefined, limit: number): Promise<(CadetSessionRecord & { sortKey: string })[]> {
    return this.db.query<(CadetSessionRecord & { sortKey: string })[]>(
      `SELECT s.id, s.unit_id AS "unitId", s.held_on::text AS "heldOn",
              (SELECT count(*)::int FROM cadet_attendance a WHERE a.session_id = s.id) AS "attendeeCount",
              s.held_on::text AS "sortKey"
         FROM cadet_session s
        WHERE s.unit_id = $1
          AND ($2::date IS NULL OR (s.held_on, s.id) < ($2::date, $3::uuid))
        ORDER BY s.held_on DESC, s.id DESC
        LIMIT $4`,
      [unitId, after?.key ?? null, after?.id ?? null, limit + 1],
    );
  }

  /** Active cadets and Junior PCSOs per NPU (every NPU, or one); leaders are not counted. */
  /** Members at the end of London day $2: joined before then and not yet left. */
  countsByNpu(npuCode: string | undefined, asAt: string): Promise<{ npuCode: string; juniorPcsos: number; cadets: number }[]> {
    return this.db.query<{ npuCode: string; juniorPcsos: number; cadets: number }[]>(
      `SELECT n.code AS "npuCode",
              count(m.id) FILTER (WHERE m.role = 'junior_pcso')::int AS "juniorPcsos",
              count(m.id) FILTER (WHERE m.role = 'cadet')::int AS cadets
         FROM npu n
         LEFT JOIN cadet_unit u ON u.npu_code = n.code
         LEFT JOIN cadet_member m ON m.unit_id = u.id AND m.joined_at < ${endOfLondonDay('$2')} AND (m.left_at IS NULL OR m.left_at >= ${endOfLondonDay('$2')})
        WHERE ($1::varchar IS NULL OR n.code = $1)
        GROUP BY n.code
        ORDER BY n.code`,
      [npuCode ?? null, asAt],
    );
  }
}
