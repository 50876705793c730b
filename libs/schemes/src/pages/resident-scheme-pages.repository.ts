import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { PatrolStatus } from '../scheme.entity';

/** An active scheme of the resident's NPU they could join. */
export interface JoinableScheme {
  id: string;
  type: string;
  name: string;
  wardName: string;
  inMyWard: boolean;
}

/** A fellow member a volunteer may patrol with (first name only, as everywhere a resident looks). */
export interface PartnerOption {
  residentId: string;
  firstName: string | null;
}

/** A patrol the resident is on, with the others' first names. */
export interface MyPatrol {
  id: string;
  schemeName: string;
  startsAt: Date;
  endsAt: Date;
  route: string;
  status: PatrolStatus;
  partners: (string | null)[];
}

/** Reads behind the residents' scheme pages (every write goes through SchemesService / PatrolsService). */
@Injectable()
export class ResidentSchemePagesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Active schemes of the resident's NPU that they are not in: their own ward's first. */
  listJoinable(residentId: string): Promise<JoinableScheme[]> {
    return this.db.query<JoinableScheme[]>(
      `SELECT s.id, s.type, s.name, w.name AS "wardName", (s.ward_code = r.ward_code) AS "inMyWard"
         FROM resident r
         JOIN ward mine ON mine.code = r.ward_code
         JOIN ward w ON w.npu_code = mine.npu_code
         JOIN scheme s ON s.ward_code = w.code AND s.status = 'active'
        WHERE r.id = $1 AND r.status = 'active'
          AND NOT EXISTS (SELECT 1 FROM scheme_member m WHERE m.scheme_id = s.id AND m.resident_id = r.id)
        ORDER BY (s.ward_code = r.ward_code) DESC, s.name, s.id
        LIMIT 100`,
      [residentId],
    );
  }

  /** The other active members of a scheme, by first name. */
  listPartners(schemeId: string, residentId: string): Promise<PartnerOption[]> {
    return this.db.query<PartnerOption[]>(
      `SELECT m.resident_id AS "residentId", r.first_name AS "firstName"
         FROM scheme_member m JOIN resident r ON r.id = m.resident_id
        WHERE m.scheme_id = $1 AND m.resident_id <> $2 AND r.status = 'active'
        ORDER BY r.first_name, m.resident_id
        LIMIT 200`,
      [schemeId, residentId],
    );
  }

  /** Patrols the resident is on that have not ended (cancelled ones shown as such), soonest first. */
  listUpcomingPatrols(residentId: string): Promise<MyPatrol[]> {
    return this.db.query<MyPatrol[]>(
      `SELECT p.id, s.name AS "schemeName", p.starts_at AS "startsAt", p.ends_at AS "endsAt", p.route, p.status,
              ARRAY(SELECT r.first_name FROM patrol_volunteer o JOIN resident r ON r.id = o.resident_id
                     WHERE o.patrol_id = p.id AND o.resident_id <> $1 ORDER BY r.first_name) AS partners
         FROM patrol_volunteer v JOIN patrol p ON p.id = v.patrol_id JOIN scheme s ON s.id = p.scheme_id
        WHERE v.resident_id = $1 AND p.ends_at > now()
        ORDER BY p.starts_at, p.id
        LIMIT 50`,
      [residentId],
    );
  }

  /** The resident holding this verified e-mail address (the invite form names people by address). */
  async findIdByVerifiedEmail(email: string): Promise<string | null> {
    const rows = await this.db.query<{ id: string }[]>('SELECT id FROM resident WHERE email = $1 AND email_verified_at IS NOT NULL', [email]);
    return rows[0]?.id ?? null;
  }
}
