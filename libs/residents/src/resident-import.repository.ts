import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { IMPORT_FIELDS, stagedVerifiedAt } from './resident-import-fields';
import { TOPICS, type Channel } from './resident.entity';

/** A staged import: a table with `STAGED_RESIDENT_COLUMNS`, and the import whose rows to apply. */
export interface StagedResidents {
  table: string;
  importId: string;
}

export interface PendingVerification {
  line: number;
  id: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  channels: Channel[];
  emailVerified: boolean;
  phoneVerified: boolean;
}

const tableName = (t: string) => {
  if (!/^[a-z_]{1,63}$/.test(t)) throw new Error(`Not a table name: ${t}`);
  return t;
};

/** Set-based writes of an import into the resident tables (INSERT … SELECT / UPDATE … FROM the staging table). */
@Injectable()
export class ResidentImportRepository {
  /** New residents with channels, topics, interests and origin: four statements, however many rows. */
  async insertNew(src: StagedResidents, tx: EntityManager): Promise<number> {
    const t = tableName(src.table);
    const verified = `((s.email_verified AND s.email IS NOT NULL) OR (s.phone_verified AND s.phone IS NOT NULL))`;
    const [{ n }] = await tx.query<{ n: number }[]>(
      `WITH ins AS (
         INSERT INTO resident (id, email, phone_e164, first_name, last_name, postcode, ward_code, status, email_verified_at, phone_verified_at,
                               activated_at, source, consent_at, created_at, updated_at, age_band, ethnicity, language)
         SELECT s.resident_id, s.email, s.phone, s.first_name, s.last_name, s.postcode, s.ward_code,
                CASE WHEN ${verified} THEN 'active' ELSE 'pending' END,
                CASE WHEN s.email_verified AND s.email IS NOT NULL THEN ${stagedVerifiedAt('s')} END,
                CASE WHEN s.phone_verified AND s.phone IS NOT NULL THEN ${stagedVerifiedAt('s')} END,
                CASE WHEN ${verified} THEN ${stagedVerifiedAt('s')} END,
                'import', s.consent_at,
                -- A pending sign-up's purge clock runs from created_at: an unverified import starts it at the import.
                CASE WHEN ${verified} THEN coalesce(s.signed_up_at, s.consent_at) ELSE now() END,
                now(), s.age_band, s.ethnicity, s.language
           FROM ${t} s WHERE s.import_id = $1 AND s.outcome = 'new'
         RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [src.importId],
    );
    await tx.query<unknown>(
      `INSERT INTO resident_channel (resident_id, channel)
       SELECT s.resident_id, c FROM ${t} s CROSS JOIN LATERAL unnest(s.channels) AS c WHERE s.import_id = $1 AND s.outcome = 'new'`,
      [src.importId],
    );
    // No topics chosen means every topic, stored explicitly (as at sign-up).
    await tx.query<unknown>(
      `INSERT INTO resident_topic (resident_id, topic)
       SELECT s.resident_id, x FROM ${t} s CROSS JOIN LATERAL unnest(CASE WHEN cardinality(s.topics) > 0 THEN s.topics ELSE $2::varchar[] END) AS x
        WHERE s.import_id = $1 AND s.outcome = 'new'`,
      [src.importId, [...TOPICS]],
    );
    await tx.query<unknown>(
      `INSERT INTO resident_interest (resident_id, interest_group)
       SELECT s.resident_id, x FROM ${t} s CROSS JOIN LATERAL unnest(s.interests) AS x WHERE s.import_id = $1 AND s.outcome = 'new'`,
      [src.importId],
    );
    return n;
  }

  /**
   * Merges matched rows by the field rules (`IMPORT_FIELDS`); a row is written only when
   * something changes, so applying the same file twice changes nothing the second time.
   * Returns the residents changed.
   */
  async mergeMatched(src: StagedResidents, tx: EntityManager): Promise<number> {
    const t = tableName(src.table);
    const merged = IMPORT_FIELDS.map((f) =>
      f.rule === 'fill' ? `coalesce(r.${f.column}, s.${f.staged}) AS ${f.column}` : `least(r.${f.column}, s.${f.staged}) AS ${f.column}`,
    );
    const cols = [...IMPORT_FIELDS.map((f) => f.column), 'email_verified_at', 'phone_verified_at', 'status', 'activated_at', 'created_at'];
    const [{ n }] = await tx.query<{ n: number }[]>(
      `WITH m0 AS (
         SELECT r.id, ${merged.join(', ')},
                CASE WHEN r.email_verified_at IS NULL AND s.email_verified AND coalesce(r.email, s.email) = s.email
                     THEN ${stagedVerifiedAt('s')} ELSE r.email_verified_at END AS email_verified_at,
                CASE WHEN r.phone_verified_at IS NULL AND s.phone_verified AND coalesce(r.phone_e164, s.phone) = s.phone
                     THEN ${stagedVerifiedAt('s')} ELSE r.phone_verified_at END AS phone_verified_at,
                (s.email_verified AND coalesce(r.email, s.email) = s.email) OR (s.phone_verified AND coalesce(r.phone_e164, s.phone) = s.phone) AS import_verified,
                r.status AS old_status, r.activated_at AS old_activated_at, r.created_at AS old_created_at, s.signed_up_at, ${stagedVerifiedAt('s')} AS verified_since
           FROM ${t} s JOIN resident r ON r.id = s.resident_id
          WHERE s.import_id = $1 AND s.outcome = 'matched' AND r.status <> 'erased'),
       m1 AS (
         SELECT m0.*, CASE WHEN old_status = 'pending' AND (email_verified_at IS NOT NULL OR phone_verified_at IS NOT NULL) THEN 'active' ELSE old_status END AS status
           FROM m0),
       m AS (
         SELECT m1.*,
                CASE WHEN import_verified AND status <> 'pending' THEN least(old_activated_at, verified_since) ELSE old_activated_at END AS activated_at,
                -- A pending resident's created_at is its purge clock: moved earlier only once verified.
                CASE WHEN status <> 'pending' THEN least(old_created_at, signed_up_at) ELSE old_created_at END AS created_at
           FROM m1),
       upd AS (
         UPDATE resident r SET ${cols.map((c) => `${c} = m.${c}`).join(', ')}, updated_at = now()
           FROM m
          WHERE r.id = m.id AND (${cols.map((c) => `r.${c}`).join(', ')}) IS DISTINCT FROM (${cols.map((c) => `m.${c}`).join(', ')})
         RETURNING 1)
       SELECT count(*)::int AS n FROM upd`,
      [src.importId],
    );
    // A channel the resident does not have yet is added when its address is verified; a
    // channel they turned off stays off, and a leaver is not subscribed again.
    await tx.query<unknown>(
      `INSERT INTO resident_channel (resident_id, channel)
       SELECT r.id, c FROM ${t} s JOIN resident r ON r.id = s.resident_id CROSS JOIN LATERAL unnest(s.channels) AS c
        WHERE s.import_id = $1 AND s.outcome = 'matched' AND r.status IN ('pending', 'active')
          AND ((c = 'email' AND r.email_verified_at IS NOT NULL) OR (c = 'sms' AND r.phone_verified_at IS NOT NULL))
       ON CONFLICT DO NOTHING`,
      [src.importId],
    );
    return n;
  }

  /** Where each imported resident came from (kept for the first import that reached them). */
  async recordOrigins(src: StagedResidents, tx: EntityManager): Promise<void> {
    await tx.query<unknown>(
      `INSERT INTO resident_import (resident_id, import_id, source_system, signed_up_at, created)
       SELECT s.resident_id, s.import_id, s.source_system, s.signed_up_at, s.outcome = 'new'
         FROM ${tableName(src.table)} s JOIN resident r ON r.id = s.resident_id
        WHERE s.import_id = $1 AND s.outcome IN ('new', 'matched')
       ON CONFLICT (resident_id) DO NOTHING`,
      [src.importId],
    );
  }

  /** New residents with an unverified address on a chosen channel, a page at a time (keyset on line). */
  pendingVerifications(src: StagedResidents, afterLine: number, limit: number, tx: EntityManager): Promise<PendingVerification[]> {
    return tx.query<PendingVerification[]>(
      `SELECT s.line, s.resident_id AS id, s.email, s.phone, s.first_name AS "firstName", s.channels,
              s.email_verified AS "emailVerified", s.phone_verified AS "phoneVerified"
         FROM ${tableName(src.table)} s
        WHERE s.import_id = $1 AND s.outcome = 'new' AND s.line > $2
          AND ((s.email IS NOT NULL AND NOT s.email_verified AND 'email' = ANY(s.channels))
            OR (s.phone IS NOT NULL AND NOT s.phone_verified AND 'sms' = ANY(s.channels)))
        ORDER BY s.line LIMIT $3`,
      [src.importId, afterLine, limit],
    );
  }

  /** New residents of the import with a verified address on a chosen channel: e-mail first, else SMS. */
  welcomeRecipients(src: StagedResidents, afterLine: number, limit: number, tx: EntityManager): Promise<{ line: number; id: string; channel: 'email' | 'sms' }[]> {
    return tx.query<{ line: number; id: string; channel: 'email' | 'sms' }[]>(
      `SELECT s.line, s.resident_id AS id,
              CASE WHEN s.email IS NOT NULL AND s.email_verified AND 'email' = ANY(s.channels) THEN 'email' ELSE 'sms' END AS channel
         FROM ${tableName(src.table)} s
        WHERE s.import_id = $1 AND s.outcome = 'new' AND s.line > $2
          AND ((s.email IS NOT NULL AND s.email_verified AND 'email' = ANY(s.channels))
            OR (s.phone IS NOT NULL AND s.phone_verified AND 'sms' = ANY(s.channels)))
        ORDER BY s.line LIMIT $3`,
      [src.importId, afterLine, limit],
    );
  }

  exportFor(residentId: string, tx: EntityManager): Promise<unknown[]> {
    return tx.query<unknown[]>('SELECT * FROM resident_import WHERE resident_id = $1', [residentId]);
  }
}
