import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Keyset } from '@beacon/core';
import type { ConsentMethod, SchemeStatus } from './scheme.entity';

export interface InvitationToSend {
  schemeName: string;
  typeName: string;
  email: string;
  firstName: string | null;
}

export interface InvitationView {
  schemeId: string;
  name: string;
  type: string;
  wardCode: string;
  invitedAt: Date;
}

export interface SchemeType {
  code: string;
  name: string;
}

/** A scheme as staff see it, with its NPU, coordinator and member count. */
export interface SchemeRecord {
  id: string;
  type: string;
  name: string;
  wardCode: string;
  wardName: string;
  npuCode: string;
  status: SchemeStatus;
  coordinatorResidentId: string | null;
  coordinatorFirstName: string | null;
  coordinatorLastName: string | null;
  memberCount: number;
  openedOn: string;
  closedOn: string | null;
  createdAt: Date;
}

/** What rules need of a scheme (read under a row lock). */
export interface SchemeCore {
  id: string;
  type: string;
  status: SchemeStatus;
  npuCode: string;
  coordinatorResidentId: string | null;
  openedOn: string;
}

export interface ResidentFacts {
  id: string;
  status: string;
  npuCode: string;
  firstName: string | null;
  lastName: string | null;
}

export interface MemberRecord {
  residentId: string;
  firstName: string | null;
  lastName: string | null;
  wardCode: string;
  status: string;
  joinedAt: Date;
  sortKey: string;
}

export interface MySchemeRecord {
  id: string;
  type: string;
  name: string;
  wardCode: string;
  wardName: string;
  status: SchemeStatus;
  isCoordinator: boolean;
  joinedAt: Date;
}

export interface SchemeScope {
  schemeId: string;
  npuCode: string;
  status: SchemeStatus;
}

export interface SchemeFilter {
  npuCode?: string;
  type?: string;
  wardCode?: string;
  status?: SchemeStatus;
  after?: Keyset;
  limit: number;
}

export interface NewScheme {
  type: string;
  name: string;
  wardCode: string;
  /** YYYY-MM-DD (Europe/London). */
  openedOn: string;
}

export interface SchemeChanges {
  name?: string;
  /** Closing sets closed_on to `on`; reopening starts a new open period on `on`. */
  status?: { to: SchemeStatus; on: string };
  coordinatorResidentId?: string | null;
}

const SCHEME_VIEW = `
  SELECT s.id, s.type, s.name, s.ward_code AS "wardCode", w.name AS "wardName", w.npu_code AS "npuCode", s.status,
         s.coordinator_resident_id AS "coordinatorResidentId",
         c.first_name AS "coordinatorFirstName", c.last_name AS "coordinatorLastName",
         (SELECT count(*)::int FROM scheme_member m WHERE m.scheme_id = s.id) AS "memberCount",
         s.opened_on::text AS "openedOn", s.closed_on::text AS "closedOn", s.created_at AS "createdAt"
    FROM scheme s
    JOIN ward w ON w.code = s.ward_code
    LEFT JOIN resident c ON c.id = s.coordinator_resident_id`;

@Injectable()
export class SchemesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  listTypes(): Promise<SchemeType[]> {
    return this.db.query<SchemeType[]>('SELECT code, name FROM scheme_type ORDER BY code');
  }

  async typeExists(code: string, manager: EntityManager = this.db.manager): Promise<boolean> {
    return (await manager.query<unknown[]>('SELECT 1 FROM scheme_type WHERE code = $1', [code])).length > 0;
  }

  /** False when the code is taken. */
  async insertType(type: SchemeType): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(
      'INSERT INTO scheme_type (code, name) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING RETURNING code',
      [type.code, type.name],
    );
    return rows.length > 0;
  }

  async findSchemeView(id: string, manager: EntityManager = this.db.manager): Promise<SchemeRecord | null> {
    const rows = await manager.query<SchemeRecord[]>(`${SCHEME_VIEW} WHERE s.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** One page (limit + 1 rows) in (name, id) order. */
  listSchemes(f: SchemeFilter): Promise<SchemeRecord[]> {
    return this.db.query<SchemeRecord[]>(
      `${SCHEME_VIEW}
        WHERE ($1::varchar IS NULL OR w.npu_code = $1)
          AND ($2::varchar IS NULL OR s.type = $2)
          AND ($3::varchar IS NULL OR s.ward_code = $3)
          AND ($4::varchar IS NULL OR s.status = $4)
          AND ($5::varchar IS NULL OR (s.name, s.id) > ($5::varchar, $6::uuid))
        ORDER BY s.name, s.id
        LIMIT $7`,
      [f.npuCode ?? null, f.type ?? null, f.wardCode ?? null, f.status ?? null, f.after?.key ?? null, f.after?.id ?? null, f.limit + 1],
    );
  }

  /**
   * Reads a scheme under a row lock. Membership changes and coordinator changes take
   * FOR UPDATE, so "the coordinator is a member" cannot be broken by two requests at once;
   * patrol planning takes FOR SHARE (volunteers cannot be removed mid-plan).
   */
  async lockScheme(tx: EntityManager, id: string, mode: 'update' | 'share'): Promise<SchemeCore | null> {
    const rows = await tx.query<SchemeCore[]>(
      `SELECT s.id, s.type, s.status, w.npu_code AS "npuCode", s.coordinator_resident_id AS "coordinatorResidentId", s.opened_on::text AS "openedOn"
         FROM scheme s JOIN ward w ON w.code = s.ward_code
        WHERE s.id = $1
        FOR ${mode === 'update' ? 'UPDATE' : 'SHARE'} OF s`,
      [id],
    );
    return rows[0] ?? null;
  }

  async insertScheme(tx: EntityManager, s: NewScheme): Promise<string> {
    const [row] = await tx.query<{ id: string }[]>('INSERT INTO scheme (type, name, ward_code, opened_on) VALUES ($1, $2, $3, $4) RETURNING id', [
      s.type,
      s.name,
      s.wardCode,
      s.openedOn,
    ]);
    return row.id;
  }

  async updateScheme(tx: EntityManager, id: string, c: SchemeChanges): Promise<void> {
    await tx.query<unknown>(
      `UPDATE scheme
          SET name = COALESCE($2, name),
              status = COALESCE($3, status),
              -- only a change of status moves the dates (the trigger keeps scheme_period in step)
              closed_on = CASE WHEN $3 = 'closed' AND status = 'active' THEN $6::date WHEN $3 = 'active' AND status = 'closed' THEN NULL ELSE closed_on END,
              opened_on = CASE WHEN $3 = 'active' AND status = 'closed' THEN $6::date ELSE opened_on END,
              coordinator_resident_id = CASE WHEN $4::boolean THEN $5::uuid ELSE coordinator_resident_id END,
              updated_at = now()
        WHERE id = $1`,
      [id, c.name ?? null, c.status?.to ?? null, c.coordinatorResidentId !== undefined, c.coordinatorResidentId ?? null, c.status?.on ?? null],
    );
  }

  async findResident(tx: EntityManager, id: string): Promise<ResidentFacts | null> {
    const rows = await tx.query<ResidentFacts[]>(
      `SELECT r.id, r.status, w.npu_code AS "npuCode", r.first_name AS "firstName", r.last_name AS "lastName"
         FROM resident r JOIN ward w ON w.code = r.ward_code WHERE r.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** The member's resident status, or null when not a member. */
  async memberStatus(tx: EntityManager, schemeId: string, residentId: string): Promise<string | null> {
    const rows = await tx.query<{ status: string }[]>(
      `SELECT r.status FROM scheme_member m JOIN resident r ON r.id = m.resident_id WHERE m.scheme_id = $1 AND m.resident_id = $2`,
      [schemeId, residentId],
    );
    return rows[0]?.status ?? null;
  }

  /** The join time, or null when the resident is already a member. */
  /** A membership always carries how the resident agreed to it and who recorded that. */
  /** `joinedOn` (a past day, Europe/London) records a membership that began earlier: it starts at that day's start. */
  async insertMember(
    tx: EntityManager,
    schemeId: string,
    residentId: string,
    consent: { method: ConsentMethod; recordedBy: string },
    joinedOn?: string,
  ): Promise<Date | null> {
    const rows = await tx.query<{ joinedAt: Date }[]>(
      `INSERT INTO scheme_member (scheme_id, resident_id, consent, consent_recorded_by, joined_at)
       VALUES ($1, $2, $3, $4, COALESCE(($5::date)::timestamp AT TIME ZONE 'Europe/London', now()))
       ON CONFLICT (scheme_id, resident_id) DO NOTHING RETURNING joined_at AS "joinedAt"`,
      [schemeId, residentId, consent.method, consent.recordedBy, joinedOn ?? null],
    );
    return rows[0]?.joinedAt ?? null;
  }

  async isMember(tx: EntityManager, schemeId: string, residentId: string): Promise<boolean> {
    return (await tx.query<unknown[]>('SELECT 1 FROM scheme_member WHERE scheme_id = $1 AND resident_id = $2', [schemeId, residentId])).length > 0;
  }

  /** Idempotent: a second invitation of the same resident keeps the first. */
  /** True when a new invitation was stored (false: one was already open). */
  async insertInvitation(tx: EntityManager, schemeId: string, residentId: string, invitedBy: string): Promise<boolean> {
    const rows = await tx.query<{ resident_id: string }[]>(
      `INSERT INTO scheme_invitation (scheme_id, resident_id, invited_by) VALUES ($1, $2, $3) ON CONFLICT (scheme_id, resident_id) DO NOTHING RETURNING resident_id`,
      [schemeId, residentId, invitedBy],
    );
    return rows.length > 0;
  }

  /** An open invitation to an active scheme, with what its e-mail needs: only for an active invitee with a verified address. */
  async findInvitationToSend(schemeId: string, residentId: string): Promise<InvitationToSend | null> {
    const rows = await this.db.query<InvitationToSend[]>(
      `SELECT s.name AS "schemeName", t.name AS "typeName", r.email, r.first_name AS "firstName"
         FROM scheme_invitation i
         JOIN scheme s ON s.id = i.scheme_id AND s.status = 'active'
         JOIN scheme_type t ON t.code = s.type
         JOIN resident r ON r.id = i.resident_id AND r.status = 'active' AND r.email IS NOT NULL AND r.email_verified_at IS NOT NULL
        WHERE i.scheme_id = $1 AND i.resident_id = $2`,
      [schemeId, residentId],
    );
    return rows[0] ?? null;
  }

  /** Removes the invitation; false when there was none. */
  async deleteInvitation(tx: EntityManager, schemeId: string, residentId: string): Promise<boolean> {
    const [, affected] = await tx.query<[unknown[], number]>('DELETE FROM scheme_invitation WHERE scheme_id = $1 AND resident_id = $2', [schemeId, residentId]);
    return affected > 0;
  }

  /** The resident's open invitations to active schemes, newest first (scheme names only). */
  listInvitationsOf(residentId: string): Promise<InvitationView[]> {
    return this.db.query<InvitationView[]>(
      `SELECT s.id AS "schemeId", s.name, s.type, s.ward_code AS "wardCode", i.created_at AS "invitedAt"
         FROM scheme_invitation i JOIN scheme s ON s.id = i.scheme_id
        WHERE i.resident_id = $1 AND s.status = 'active'
        ORDER BY i.created_at DESC, s.id`,
      [residentId],
    );
  }

  async deleteMember(tx: EntityManager, schemeId: string, residentId: string): Promise<boolean> {
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected] = await tx.query<[unknown[], number]>('DELETE FROM scheme_member WHERE scheme_id = $1 AND resident_id = $2', [
      schemeId,
      residentId,
    ]);
    return affected > 0;
  }

  /** One page (limit + 1 rows) in join order. */
  listMembers(schemeId: string, after: Keyset | undefined, limit: number): Promise<MemberRecord[]> {
    return this.db.query<MemberRecord[]>(
      `SELECT m.resident_id AS "residentId", r.first_name AS "firstName", r.last_name AS "lastName", r.ward_code AS "wardCode",
              r.status, m.joined_at AS "joinedAt", m.joined_at::text AS "sortKey"
         FROM scheme_member m JOIN resident r ON r.id = m.resident_id
        WHERE m.scheme_id = $1
          AND ($2::timestamptz IS NULL OR (m.joined_at, m.resident_id) > ($2::timestamptz, $3::uuid))
        ORDER BY m.joined_at, m.resident_id
        LIMIT $4`,
      [schemeId, after?.key ?? null, after?.id ?? null, limit + 1],
    );
  }

  listSchemesOfResident(residentId: string): Promise<MySchemeRecord[]> {
    return this.db.query<MySchemeRecord[]>(
      `SELECT s.id, s.type, s.name, s.ward_code AS "wardCode", w.name AS "wardName", s.status,
              (s.coordinator_resident_id IS NOT DISTINCT FROM m.resident_id) AS "isCoordinator", m.joined_at AS "joinedAt"
         FROM scheme_member m JOIN scheme s ON s.id = m.scheme_id JOIN ward w ON w.code = s.ward_code
        WHERE m.resident_id = $1
        ORDER BY s.name, s.id`,
      [residentId],
    );
  }

  findSchemeScopes(ids: string[]): Promise<SchemeScope[]> {
    return this.db.query<SchemeScope[]>(
      `SELECT s.id AS "schemeId", w.npu_code AS "npuCode", s.status
         FROM scheme s JOIN ward w ON w.code = s.ward_code
        WHERE s.id = ANY($1::uuid[])
        ORDER BY s.id`,
      [ids],
    );
  }

  /** NPUs where no scheme exists yet (the demo seed fills only those). */
  async npusWithoutSchemes(): Promise<string[]> {
    const rows = await this.db.query<{ code: string }[]>(
      `SELECT n.code FROM npu n
        WHERE NOT EXISTS (SELECT 1 FROM scheme s JOIN ward w ON w.code = s.ward_code WHERE w.npu_code = n.code)
        ORDER BY n.code`,
    );
    return rows.map((r) => r.code);
  }
}
