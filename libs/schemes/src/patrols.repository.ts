import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { conflict, type Keyset } from '@beacon/core';
import type { PatrolStatus } from './scheme.entity';

export interface PatrolReportRecord {
  patrolId: string;
  observations: string;
  reportedBy: string;
  createdAt: Date;
}

/** A patrol as the neighbourhood team sees it: volunteers by first name only. */
export interface PatrolRecord {
  id: string;
  scheme: { id: string; name: string; type: string };
  ward: { code: string; name: string };
  npuCode: string;
  startsAt: Date;
  endsAt: Date;
  route: string;
  volunteers: { firstName: string | null }[];
  report: Omit<PatrolReportRecord, 'patrolId'> | null;
  status: PatrolStatus;
  cancellation: PatrolCancellation | null;
  sortKey: string;
}

export interface PatrolCancellation {
  cancelledAt: Date;
  /** 'staff:<id>' or 'resident:<id>'. */
  cancelledBy: string;
  reason: string | null;
}

export interface PatrolCore {
  id: string;
  schemeId: string;
  npuCode: string;
  coordinatorResidentId: string | null;
  startsAt: Date;
  endsAt: Date;
  status: PatrolStatus;
}

export interface PatrolFilter {
  npuCode?: string;
  schemeId?: string;
  status?: PatrolStatus;
  from: Date;
  to?: Date;
  after?: Keyset;
  limit: number;
}

export interface NewPatrol {
  schemeId: string;
  startsAt: Date;
  endsAt: Date;
  route: string;
  createdBy: string;
}

const PATROL_VIEW = `
  SELECT p.id,
         json_build_object('id', s.id, 'name', s.name, 'type', s.type) AS scheme,
         json_build_object('code', w.code, 'name', w.name) AS ward,
         w.npu_code AS "npuCode", p.starts_at AS "startsAt", p.ends_at AS "endsAt", p.route,
         COALESCE((SELECT json_agg(json_build_object('firstName', r.first_name) ORDER BY r.first_name, r.id)
                     FROM patrol_volunteer v JOIN resident r ON r.id = v.resident_id
                    WHERE v.patrol_id = p.id), '[]'::json) AS volunteers,
         (SELECT json_build_object('observations', pr.observations, 'reportedBy', pr.reported_by, 'createdAt', pr.created_at)
            FROM patrol_report pr WHERE pr.patrol_id = p.id) AS report,
         p.status,
         CASE WHEN p.status = 'cancelled'
              THEN json_build_object('cancelledAt', p.cancelled_at, 'cancelledBy', p.cancelled_by, 'reason', p.cancel_reason) END AS cancellation,
         p.starts_at::text AS "sortKey"
    FROM patrol p
    JOIN scheme s ON s.id = p.scheme_id
    JOIN ward w ON w.code = s.ward_code`;

const EXCLUSION_VIOLATION = '23P01';

@Injectable()
export class PatrolsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Those of `residentIds` who are members of the scheme with an active resident record. */
  async activeMembersAmong(tx: EntityManager, schemeId: string, residentIds: string[]): Promise<string[]> {
    const rows = await tx.query<{ id: string }[]>(
      `SELECT m.resident_id AS id FROM scheme_member m JOIN resident r ON r.id = m.resident_id
        WHERE m.scheme_id = $1 AND m.resident_id = ANY($2::uuid[]) AND r.status = 'active'`,
      [schemeId, residentIds],
    );
    return rows.map((r) => r.id);
  }

  /** Volunteers already on a live patrol overlapping [startsAt, endsAt): the common case, answered without an error. */
  /**
   * Serialises plans that share a volunteer: a transaction-scoped advisory lock per volunteer,
   * taken in id order (so two plans cannot each hold one and wait for the other). Without it, two
   * concurrent inserts that conflict on the exclusion constraint can wait on each other, and
   * PostgreSQL aborts one as a deadlock (a 500) instead of the second seeing the first (a 409).
   */
  async lockVolunteers(tx: EntityManager, residentIds: string[]): Promise<void> {
    await tx.query<unknown>(
      `SELECT pg_advisory_xact_lock(hashtextextended('patrol_volunteer:' || r::text, 0))
         FROM (SELECT DISTINCT r FROM unnest($1::uuid[]) AS r ORDER BY r) v`,
      [residentIds],
    );
  }

  async busyVolunteers(tx: EntityManager, residentIds: string[], startsAt: Date, endsAt: Date): Promise<string[]> {
    const rows = await tx.query<{ id: string }[]>(
      `SELECT DISTINCT resident_id AS id FROM patrol_volunteer
        WHERE resident_id = ANY($1::uuid[]) AND during && tstzrange($2::timestamptz, $3::timestamptz, '[)') AND NOT cancelled`,
      [residentIds, startsAt, endsAt],
    );
    return rows.map((r) => r.id);
  }

  async insertPatrol(tx: EntityManager, p: NewPatrol): Promise<string> {
    const [row] = await tx.query<{ id: string }[]>(
      'INSERT INTO patrol (scheme_id, starts_at, ends_at, route, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [p.schemeId, p.startsAt, p.endsAt, p.route, p.createdBy],
    );
    return row.id;
  }

  /**
   * The EXCLUDE constraint refuses a volunteer already on an overlapping live patrol, including one
   * planned by a concurrent transaction (this insert waits for it, then fails): exactly one wins.
   */
  async insertVolunteers(tx: EntityManager, patrolId: string, residentIds: string[], startsAt: Date, endsAt: Date): Promise<void> {
    try {
      await tx.query<unknown>(
        `INSERT INTO patrol_volunteer (patrol_id, resident_id, during)
         SELECT $1, r, tstzrange($3::timestamptz, $4::timestamptz, '[)') FROM unnest($2::uuid[]) AS r`,
        [patrolId, residentIds, startsAt, endsAt],
      );
    } catch (err) {
      if (err instanceof QueryFailedError && (err.driverError as { code?: string }).code === EXCLUSION_VIOLATION) {
        const detail = String((err.driverError as { detail?: string }).detail ?? '');
        const who = /\(resident_id, during\)=\(([0-9a-f-]{36}),/.exec(detail)?.[1];
        throw conflict(`A volunteer is already on an overlapping patrol${who ? `: ${who}` : ''}`);
      }
      throw err;
    }
  }

  async findPatrolView(id: string): Promise<PatrolRecord | null> {
    const rows = await this.db.query<PatrolRecord[]>(`${PATROL_VIEW} WHERE p.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** One page (limit + 1 rows) in start order. */
  listPatrols(f: PatrolFilter): Promise<PatrolRecord[]> {
    return this.db.query<PatrolRecord[]>(
      `${PATROL_VIEW}
        WHERE ($1::varchar IS NULL OR w.npu_code = $1)
          AND ($2::uuid IS NULL OR p.scheme_id = $2)
          AND p.starts_at >= $3
          AND ($4::timestamptz IS NULL OR p.starts_at < $4)
          AND ($5::timestamptz IS NULL OR (p.starts_at, p.id) > ($5::timestamptz, $6::uuid))
          AND ($8::varchar IS NULL OR p.status = $8)
        ORDER BY p.starts_at, p.id
        LIMIT $7`,
      [f.npuCode ?? null, f.schemeId ?? null, f.from, f.to ?? null, f.after?.key ?? null, f.after?.id ?? null, f.limit + 1, f.status ?? null],
    );
  }

  async lockPatrol(tx: EntityManager, id: string): Promise<PatrolCore | null> {
    const rows = await tx.query<PatrolCore[]>(
      `SELECT p.id, p.scheme_id AS "schemeId", w.npu_code AS "npuCode", s.coordinator_resident_id AS "coordinatorResidentId",
              p.starts_at AS "startsAt", p.ends_at AS "endsAt", p.status
         FROM patrol p JOIN scheme s ON s.id = p.scheme_id JOIN ward w ON w.code = s.ward_code
        WHERE p.id = $1 FOR UPDATE OF p`,
      [id],
    );
    return rows[0] ?? null;
  }

  async isVolunteer(tx: EntityManager, patrolId: string, residentId: string): Promise<boolean> {
    return (await tx.query<unknown[]>('SELECT 1 FROM patrol_volunteer WHERE patrol_id = $1 AND resident_id = $2', [patrolId, residentId])).length > 0;
  }

  /**
   * Cancels the patrol and marks its volunteer rows in the same transaction, which takes them
   * out of the partial EXCLUDE constraint: the volunteers are free for another patrol. A plan
   * racing this waits on the volunteer rows' locks and then sees them cancelled.
   */
  async cancelPatrol(tx: EntityManager, patrolId: string, cancelledBy: string, reason: string | null): Promise<void> {
    await tx.query<unknown>(
      `UPDATE patrol SET status = 'cancelled', cancelled_at = now(), cancelled_by = $2, cancel_reason = $3 WHERE id = $1`,
      [patrolId, cancelledBy, reason],
    );
    await tx.query<unknown>('UPDATE patrol_volunteer SET cancelled = true WHERE patrol_id = $1', [patrolId]);
  }

  /** Null when the patrol already has a report. */
  async insertReport(tx: EntityManager, patrolId: string, observations: string, reportedBy: string): Promise<PatrolReportRecord | null> {
    const rows = await tx.query<PatrolReportRecord[]>(
      `INSERT INTO patrol_report (patrol_id, observations, reported_by) VALUES ($1, $2, $3)
       ON CONFLICT (patrol_id) DO NOTHING
       RETURNING patrol_id AS "patrolId", observations, reported_by AS "reportedBy", created_at AS "createdAt"`,
      [patrolId, observations, reportedBy],
    );
    return rows[0] ?? null;
  }
}
