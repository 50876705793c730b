import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** The SQL of this lib's part of a resident's GDPR export and erasure; what it keeps and why is said on the exporter (scheme-resident-data.ts), which delegates here. */
@Injectable()
export class SchemeResidentDataRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async exportFor(residentId: string): Promise<unknown> {
    const memberships = await this.db.query<{ schemeId: string; name: string; type: string; wardCode: string; coordinator: boolean; joinedAt: Date; consent: string; consentSource: string | null; consentAt: Date | null }[]>(
      `SELECT s.id AS "schemeId", s.name, s.type, s.ward_code AS "wardCode", (s.coordinator_resident_id = sm.resident_id) AS coordinator,
              sm.joined_at AS "joinedAt", sm.consent, sm.consent_source AS "consentSource", sm.consent_at AS "consentAt"
         FROM scheme_member sm JOIN scheme s ON s.id = sm.scheme_id WHERE sm.resident_id = $1 ORDER BY s.name`,
      [residentId],
    );
    const patrols = await this.db.query<{ patrolId: string; schemeId: string; startsAt: Date; endsAt: Date; route: string; status: string }[]>(
      `SELECT p.id AS "patrolId", p.scheme_id AS "schemeId", p.starts_at AS "startsAt", p.ends_at AS "endsAt", p.route, p.status
         FROM patrol_volunteer v JOIN patrol p ON p.id = v.patrol_id WHERE v.resident_id = $1 ORDER BY p.starts_at`,
      [residentId],
    );
    const author = `resident:${residentId}`;
    const reports = await this.db.query<{ patrolId: string; observations: string; createdAt: Date }[]>(
      `SELECT patrol_id AS "patrolId", observations, created_at AS "createdAt" FROM patrol_report WHERE reported_by = $1 ORDER BY created_at`,
      [author],
    );
    const planned = await this.db.query<{ patrolId: string; schemeId: string; startsAt: Date; route: string; createdAt: Date }[]>(
      `SELECT id AS "patrolId", scheme_id AS "schemeId", starts_at AS "startsAt", route, created_at AS "createdAt" FROM patrol WHERE created_by = $1 ORDER BY created_at`,
      [author],
    );
    const cancelled = await this.db.query<{ patrolId: string; cancelledAt: Date; reason: string | null }[]>(
      `SELECT id AS "patrolId", cancelled_at AS "cancelledAt", cancel_reason AS "reason" FROM patrol WHERE cancelled_by = $1 ORDER BY cancelled_at`,
      [author],
    );
    const invitations = await this.db.query<{ schemeId: string; name: string; invitedBy: string; invitedAt: Date }[]>(
      `SELECT i.scheme_id AS "schemeId", s.name, i.invited_by AS "invitedBy", i.created_at AS "invitedAt"
         FROM scheme_invitation i JOIN scheme s ON s.id = i.scheme_id WHERE i.resident_id = $1 ORDER BY i.created_at`,
      [residentId],
    );
    const membershipHistory = await this.db.query<{ schemeId: string; name: string; joinedAt: Date; leftAt: Date | null }[]>(
      `SELECT s.id AS "schemeId", s.name, mp.joined_at AS "joinedAt", mp.left_at AS "leftAt"
         FROM scheme_member_period mp JOIN scheme s ON s.id = mp.scheme_id WHERE mp.member_key = $1 ORDER BY mp.joined_at, mp.id`,
      [residentId],
    );
    return { memberships, membershipHistory, patrols, invitations, patrolReports: reports, patrolsPlanned: planned, patrolsCancelled: cancelled };
  }

  async eraseFor(residentId: string, tx: EntityManager): Promise<void> {
    await tx.query<unknown>('UPDATE scheme SET coordinator_resident_id = NULL WHERE coordinator_resident_id = $1', [residentId]);
    await tx.query<unknown>('DELETE FROM scheme_member WHERE resident_id = $1', [residentId]);
    // The delete closed their membership periods (trigger); one random key replaces their id in all of
    // them, so past counts (and "counts once across schemes") stay as they were with no link to the person.
    await tx.query<unknown>('UPDATE scheme_member_period SET member_key = k.key FROM (SELECT gen_random_uuid() AS key) k WHERE member_key = $1', [residentId]);
    // Invitations to them, and those they sent as a coordinator (which name them).
    await tx.query<unknown>(`DELETE FROM scheme_invitation WHERE resident_id = $1 OR invited_by = 'resident:' || $1`, [residentId]);
    await tx.query<unknown>(`DELETE FROM patrol_volunteer v USING patrol p WHERE p.id = v.patrol_id AND v.resident_id = $1 AND p.starts_at > now()`, [residentId]);
    const author = `resident:${residentId}`;
    await tx.query<unknown>(`UPDATE patrol_report SET observations = '' WHERE reported_by = $1 AND observations <> ''`, [author]);
    await tx.query<unknown>(`UPDATE patrol SET cancel_reason = NULL WHERE cancelled_by = $1 AND cancel_reason IS NOT NULL`, [author]);
  }
}
