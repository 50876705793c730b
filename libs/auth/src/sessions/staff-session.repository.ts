import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import type { StaffRole } from '@beacon/core';
import { StaffSessionEntity } from './staff-session.entity';

export interface ActiveSessionRow {
  staffId: string;
  email: string;
  name: string;
  role: StaffRole;
  npuCode: string | null;
  lastSeenAt: Date;
}

export interface SessionListRow {
  idHash: string;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
}

@Injectable()
export class StaffSessionRepository {
  constructor(@InjectRepository(StaffSessionEntity) private readonly repo: Repository<StaffSessionEntity>) {}

  async insert(row: { idHash: string; staffId: string; ip: string | null; userAgent: string | null; pendingMfa: boolean }): Promise<void> {
    await this.repo.insert({ ...row, lastSeenAt: () => 'now()' });
  }

  /**
   * The session and its staff member, when neither revoked, idle too long, past its absolute
   * lifetime nor deactivated; in one statement, which also records the visit (at most once a
   * minute, so reading pages does not write a row each time).
   */
  async touchActive(idHash: string, idleSeconds: number, maxSeconds: number, pendingMfa = false): Promise<ActiveSessionRow | null> {
    const rows = await this.repo.query<ActiveSessionRow[]>(
      `WITH s AS (
         SELECT ss.id_hash, ss.staff_id, ss.last_seen_at FROM staff_session ss
          WHERE ss.id_hash = $1 AND ss.revoked_at IS NULL AND ss.pending_mfa = $4
            AND ss.last_seen_at > now() - make_interval(secs => $2)
            AND ss.created_at > now() - make_interval(secs => $3)
       ), touched AS (
         UPDATE staff_session SET last_seen_at = now()
          WHERE id_hash = $1 AND EXISTS (SELECT 1 FROM s WHERE s.last_seen_at < now() - interval '60 seconds')
       )
       SELECT st.id AS "staffId", st.email, st.name, st.role, st.npu_code AS "npuCode", s.last_seen_at AS "lastSeenAt"
         FROM s JOIN staff st ON st.id = s.staff_id AND st.active`,
      [idHash, idleSeconds, maxSeconds, pendingMfa],
    );
    return rows[0] ?? null;
  }

  /** The sessions of a staff member that could still be used (signed in, not revoked, not expired), newest first. */
  listActiveFor(staffId: string, idleSeconds: number, maxSeconds: number): Promise<SessionListRow[]> {
    return this.repo.query<SessionListRow[]>(
      `SELECT id_hash AS "idHash", created_at AS "createdAt", last_seen_at AS "lastSeenAt", ip, user_agent AS "userAgent"
         FROM staff_session
        WHERE staff_id = $1 AND revoked_at IS NULL AND NOT pending_mfa
          AND last_seen_at > now() - make_interval(secs => $2) AND created_at > now() - make_interval(secs => $3)
        ORDER BY last_seen_at DESC, created_at DESC`,
      [staffId, idleSeconds, maxSeconds],
    );
  }

  /** Revokes one session of this staff member only; false when it is not theirs or already ended. */
  async revokeOf(staffId: string, idHash: string): Promise<boolean> {
    const r = await this.repo.query<[unknown[], number]>(`UPDATE staff_session SET revoked_at = now() WHERE staff_id = $1 AND id_hash = $2 AND revoked_at IS NULL`, [staffId, idHash]);
    return (r[1] ?? 0) === 1;
  }

  /** Every other session of the staff member. */
  async revokeAllExcept(staffId: string, keepIdHash: string): Promise<number> {
    const r = await this.repo.query<[unknown[], number]>(`UPDATE staff_session SET revoked_at = now() WHERE staff_id = $1 AND id_hash <> $2 AND revoked_at IS NULL`, [staffId, keepIdHash]);
    return r[1] ?? 0;
  }

  async revoke(idHash: string): Promise<void> {
    await this.repo.update({ idHash, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
  }

  async revokeAllFor(staffId: string): Promise<number> {
    const r = await this.repo.query<[unknown[], number]>(`UPDATE staff_session SET revoked_at = now() WHERE staff_id = $1 AND revoked_at IS NULL`, [staffId]);
    return r[1] ?? 0;
  }

  /** Housekeeping: sessions that can no longer be used. */
  async deleteExpired(maxSeconds: number): Promise<number> {
    const r = await this.repo.query<[unknown[], number]>(`DELETE FROM staff_session WHERE created_at < now() - make_interval(secs => $1) OR revoked_at < now() - interval '1 day'`, [maxSeconds]);
    return r[1] ?? 0;
  }
}
