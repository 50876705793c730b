import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Keyset } from '@beacon/core';
import type { Channel, ResidentStatus } from './resident.entity';

export interface DirectoryFilter {
  npuCode?: string;
  wardCode?: string;
  status?: ResidentStatus;
  /** Prefix of first name, last name or e-mail (matched case-insensitively). */
  prefix?: string;
  /** Exact E.164 phone number. */
  phoneE164?: string;
  /** The prefix matches names only, never the e-mail (callers who see contacts masked). */
  namesOnly?: boolean;
}

export interface DirectoryRow {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  wardCode: string;
  npuCode: string;
  status: ResidentStatus;
  channels: Channel[];
  source: string | null;
  createdAt: Date;
  activatedAt: Date | null;
  /** created_at as PostgreSQL text: full microsecond precision for the keyset cursor. */
  cursorKey: string;
}

const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The staff view over residents: filtered, newest first, keyset paged. */
@Injectable()
export class ResidentDirectoryRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  list(filter: DirectoryFilter, limit: number, after?: Keyset): Promise<DirectoryRow[]> {
    const prefix = filter.prefix ? likePrefix(filter.prefix.toLowerCase()) : null;
    // Each prefix branch matches an index: lower(first_name|last_name) text_pattern_ops, email varchar_pattern_ops.
    return this.db.query<DirectoryRow[]>(
      `SELECT r.id, r.first_name AS "firstName", r.last_name AS "lastName", r.email, r.phone_e164 AS phone,
              r.ward_code AS "wardCode", w.npu_code AS "npuCode", r.status, r.source,
              r.created_at AS "createdAt", r.activated_at AS "activatedAt", r.created_at::text AS "cursorKey",
              coalesce((SELECT array_agg(c.channel ORDER BY c.channel) FROM resident_channel c
                         WHERE c.resident_id = r.id AND c.enabled), '{}') AS channels
         FROM resident r
         JOIN ward w ON w.code = r.ward_code
        WHERE ($1::varchar IS NULL OR w.npu_code = $1)
          AND ($2::varchar IS NULL OR r.ward_code = $2)
          AND (CASE WHEN $3::varchar IS NULL THEN r.status <> 'erased' ELSE r.status = $3 END)
          AND ($4::text IS NULL OR lower(r.first_name) LIKE $4 OR lower(r.last_name) LIKE $4 OR (NOT $9::boolean AND r.email LIKE $4))
          AND ($5::varchar IS NULL OR r.phone_e164 = $5)
          AND ($6::timestamptz IS NULL OR (r.created_at, r.id) < ($6::timestamptz, $7::uuid))
        ORDER BY r.created_at DESC, r.id DESC
        LIMIT $8`,
      [filter.npuCode ?? null, filter.wardCode ?? null, filter.status ?? null, prefix, filter.phoneE164 ?? null, after?.key ?? null, after?.id ?? null, limit + 1, filter.namesOnly ?? false],
    );
  }
}
