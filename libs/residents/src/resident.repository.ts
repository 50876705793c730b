import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { ResidentEntity, type Channel, type Priority, type ResidentStatus } from './resident.entity';

export interface NewResident {
  email: string | null;
  phoneE164: string | null;
  firstName: string;
  lastName: string | null;
  postcode: string | null;
  /** null: placed by the postcode alone. */
  wardCode: string | null;
  source: string | null;
  campaignCode: string | null;
  /** The staff member who took the sign-up (staff "add on behalf"); null: the resident's own. */
  assistedBy: string | null;
  ageBand: string | null;
  ethnicity: string | null;
  language: string | null;
}

/** A sign-up: the resident (id chosen by the caller) and their preferences. */
export interface NewSignUp extends NewResident {
  id: string;
  channels: Channel[];
  topics: string[];
  interestGroups: string[];
}

export type SignUpInsert = 'inserted' | 'address-taken' | 'unknown-ward';

/** Columns a resident may change about themselves (keys are entity properties). */
export interface ResidentChanges {
  email?: string | null;
  phoneE164?: string | null;
  firstName?: string;
  lastName?: string | null;
  postcode?: string | null;
  wardCode?: string;
  ageBand?: string | null;
  ethnicity?: string | null;
  language?: string | null;
  quietStart?: string | null;
  quietEnd?: string | null;
}

const CHANGE_COLUMNS: Record<keyof ResidentChanges, string> = {
  email: 'email',
  phoneE164: 'phone_e164',
  firstName: 'first_name',
  lastName: 'last_name',
  postcode: 'postcode',
  wardCode: 'ward_code',
  ageBand: 'age_band',
  ethnicity: 'ethnicity',
  language: 'language',
  quietStart: 'quiet_start',
  quietEnd: 'quiet_end',
};

export interface ChannelRow {
  channel: Channel;
  enabled: boolean;
  minPriority: Priority;
  suspendedAt: Date | null;
}

export interface SmsCodeRow {
  codeHash: string;
  expiresAt: Date;
  attempts: number;
}

/** Raw rows, every column, for the resident's data export. */
export interface ResidentDataRows {
  resident: Record<string, unknown>;
  channels: Record<string, unknown>[];
  topics: Record<string, unknown>[];
  interestGroups: Record<string, unknown>[];
  smsVerification: Record<string, unknown>[];
  /** Moves to another ward after a boundary change (resident_ward_move). */
  wardMoves: Record<string, unknown>[];
}

/** The resident aggregate: resident, channels, topics, interests, SMS codes. */
@Injectable()
export class ResidentRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  findById(id: string, manager: EntityManager = this.db.manager): Promise<ResidentEntity | null> {
    return manager.getRepository(ResidentEntity).findOneBy({ id });
  }

  /** The stored language (free text or a code) of a resident not erased; null otherwise. */
  async languageOf(id: string): Promise<string | null> {
    const rows = await this.db.query<{ language: string | null }[]>(`SELECT language FROM resident WHERE id = $1 AND status <> 'erased'`, [id]);
    return rows[0]?.language ?? null;
  }

  /** Whether the row exists and is not erased (a token naming it may still act). */
  async existsNotErased(id: string): Promise<boolean> {
    const rows = await this.db.query<{ ok: number }[]>(`SELECT 1 AS ok FROM resident WHERE id = $1 AND status <> 'erased'`, [id]);
    return rows.length > 0;
  }

  /** Locks the row for the rest of the transaction (concurrent edits queue behind it). */
  findByIdForUpdate(id: string, tx: EntityManager): Promise<ResidentEntity | null> {
    return tx.getRepository(ResidentEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Residents holding or claiming any of these e-mails or phones, newest first (a query even with
   * none: see SignUpService). Locked FOR SHARE: every caller queues a message about the rows in
   * this transaction, and an erasure (which locks the row FOR UPDATE, then deletes the resident's
   * queued messages) must come wholly before or after it, never between the read and the queueing.
   */
  findByAddresses(emails: string[], phones: string[], tx: EntityManager): Promise<ResidentEntity[]> {
    return tx.getRepository(ResidentEntity).find({ where: [{ email: In(emails) }, { phoneE164: In(phones) }], order: { createdAt: 'DESC', id: 'DESC' }, lock: { mode: 'pessimistic_read' } });
  }

  /** Live SMS codes of every resident claiming this number, locked (a code per resident: see VerificationService). */
  findSmsCodesForPhoneForUpdate(phoneE164: string, tx: EntityManager): Promise<(SmsCodeRow & { residentId: string })[]> {
    return tx.query<(SmsCodeRow & { residentId: string })[]>(
      `SELECT c.resident_id AS "residentId", c.code_hash AS "codeHash", c.expires_at AS "expiresAt", c.attempts
         FROM resident_sms_code c JOIN resident r ON r.id = c.resident_id
        WHERE r.phone_e164 = $1 AND r.status <> 'erased'
        ORDER BY c.resident_id FOR UPDATE OF c`,
      [phoneE164],
    );
  }

  /**
   * Many sign-ups in one statement (public hot path: concurrent sign-ups share it): each
   * becomes a pending resident with its channels, topics and interests, unless its ward is
   * unknown, its e-mail or phone is verified by a resident, or a pending sign-up has exactly its
   * addresses (also an earlier one in the list): then nothing is written for it. An address
   * another resident only claims does not stop it. One outcome per sign-up, in order.
   */
  async insertPendingSignUps(signUps: NewSignUp[], tx: EntityManager): Promise<SignUpInsert[]> {
    const rows = await tx.query<{ n: number; wardKnown: boolean; inserted: boolean }[]>(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
           n int, id uuid, email text, phone text, first_name text, last_name text, postcode text, ward_code text, source text,
           campaign_code text, assisted_by uuid, age_band text, ethnicity text, language text, channels jsonb, topics jsonb, interests jsonb)),
       -- A postcode of the force places the resident (ward and centroid); else the ward they chose.
       known AS (
         SELECT i.n, coalesce(p.ward_code, w.code) AS ward_code, p.lat, p.long, coalesce(p.ward_code, w.code) IS NOT NULL AS ward_known
           FROM input i LEFT JOIN postcode p ON p.postcode = i.postcode LEFT JOIN ward w ON w.code = i.ward_code),
       ins AS (
         INSERT INTO resident (id, email, phone_e164, first_name, last_name, postcode, ward_code, postcode_lat, postcode_long, source, campaign_code,
                               assisted_by, age_band, ethnicity, language, status, consent_at)
         SELECT i.id, i.email, i.phone, i.first_name, i.last_name, i.postcode, k.ward_code, k.lat, k.long, i.source, i.campaign_code,
                i.assisted_by, i.age_band, i.ethnicity, i.language, 'pending', now()
           FROM input i JOIN known k USING (n)
          WHERE k.ward_known
            -- A verified address is held; an unverified one is a claim and blocks nobody.
            AND NOT EXISTS (SELECT 1 FROM resident r
                             WHERE (r.email = i.email AND r.email_verified_at IS NOT NULL)
                                OR (r.phone_e164 = i.phone AND r.phone_verified_at IS NOT NULL))
          ORDER BY i.n
         -- uq_resident_pending_claim: the same pair of addresses as a pending sign-up (also earlier in this list).
         ON CONFLICT DO NOTHING
         RETURNING id),
       c AS (INSERT INTO resident_channel (resident_id, channel) SELECT i.id, jsonb_array_elements_text(i.channels) FROM input i JOIN ins USING (id)),
       t AS (INSERT INTO resident_topic (resident_id, topic) SELECT i.id, jsonb_array_elements_text(i.topics) FROM input i JOIN ins USING (id)),
       g AS (INSERT INTO resident_interest (resident_id, interest_group) SELECT i.id, jsonb_array_elements_text(i.interests) FROM input i JOIN ins USING (id))
       SELECT i.n, k.ward_known AS "wardKnown", ins.id IS NOT NULL AS inserted
         FROM input i JOIN known k USING (n) LEFT JOIN ins USING (id) ORDER BY i.n`,
      [
        JSON.stringify(
          signUps.map((r, n) => ({
            n,
            id: r.id,
            email: r.email,
            phone: r.phoneE164,
            first_name: r.firstName,
            last_name: r.lastName,
            postcode: r.postcode,
            ward_code: r.wardCode,
            source: r.source,
            campaign_code: r.campaignCode,
            assisted_by: r.assistedBy,
            age_band: r.ageBand,
            ethnicity: r.ethnicity,
            language: r.language,
            channels: r.channels,
            topics: r.topics,
            interests: r.interestGroups,
          })),
        ),
      ],
    );
    return rows.map((r) => (!r.wardKnown ? 'unknown-ward' : r.inserted ? 'inserted' : 'address-taken'));
  }

  async replaceTopics(residentId: string, topics: string[], tx: EntityManager): Promise<void> {
    await tx.query<unknown>('DELETE FROM resident_topic WHERE resident_id = $1', [residentId]);
    if (topics.length) await tx.query<unknown>('INSERT INTO resident_topic (resident_id, topic) SELECT $1, unnest($2::varchar[])', [residentId, topics]);
  }

  async replaceInterests(residentId: string, groups: string[], tx: EntityManager): Promise<void> {
    await tx.query<unknown>('DELETE FROM resident_interest WHERE resident_id = $1', [residentId]);
    if (groups.length) {
      await tx.query<unknown>('INSERT INTO resident_interest (resident_id, interest_group) SELECT $1, unnest($2::varchar[])', [residentId, groups]);
    }
  }

  listChannels(residentId: string, manager: EntityManager = this.db.manager): Promise<ChannelRow[]> {
    return manager.query<ChannelRow[]>(
      `SELECT channel, enabled, min_priority AS "minPriority", suspended_at AS "suspendedAt"
         FROM resident_channel WHERE resident_id = $1 ORDER BY channel`,
      [residentId],
    );
  }

  async listTopics(residentId: string, manager: EntityManager = this.db.manager): Promise<string[]> {
    const rows = await manager.query<{ topic: string }[]>('SELECT topic FROM resident_topic WHERE resident_id = $1 ORDER BY topic', [residentId]);
    return rows.map((r) => r.topic);
  }

  async listInterests(residentId: string, manager: EntityManager = this.db.manager): Promise<string[]> {
    const rows = await manager.query<{ g: string }[]>(
      'SELECT interest_group AS g FROM resident_interest WHERE resident_id = $1 ORDER BY interest_group',
      [residentId],
    );
    return rows.map((r) => r.g);
  }

  /** Replaces any earlier code: a new code means fresh attempts and a fresh expiry (one resident once per call). */
  async saveSmsCodes(codes: { residentId: string; codeHash: string; expiresAt: Date }[], tx: EntityManager): Promise<void> {
    await tx.query<unknown>(
      `INSERT INTO resident_sms_code (resident_id, code_hash, expires_at, attempts)
       SELECT resident_id, code_hash, expires_at, 0 FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS c(resident_id, code_hash, expires_at)
       ON CONFLICT (resident_id) DO UPDATE SET code_hash = EXCLUDED.code_hash, expires_at = EXCLUDED.expires_at, attempts = 0`,
      [codes.map((c) => c.residentId), codes.map((c) => c.codeHash), codes.map((c) => c.expiresAt)],
    );
  }

  async countSmsAttempt(residentIds: string[], tx: EntityManager): Promise<void> {
    await tx.query<unknown>('UPDATE resident_sms_code SET attempts = attempts + 1 WHERE resident_id = ANY($1::uuid[])', [residentIds]);
  }

  async deleteSmsCode(residentId: string, tx: EntityManager): Promise<void> {
    await tx.query<unknown>('DELETE FROM resident_sms_code WHERE resident_id = $1', [residentId]);
  }

  /**
   * Verifying an address moves it here: every other resident holding or claiming it loses it in
   * the same transaction (a pending sign-up, which holds nothing verified, goes altogether; any
   * other loses the address, its verification and its code, and that channel is turned off).
   * Then it is marked verified here; a pending resident becomes active (activated_at is set the
   * first time only). Returns the new status, or null when this resident no longer has the address.
   * Every row with the address is locked in id order first, so two verifications of one address
   * queue (never deadlock) and the second finds it gone.
   */
  async markVerified(residentId: string, channel: Channel, address: string, tx: EntityManager): Promise<ResidentStatus | null> {
    const [column, verifiedColumn] = channel === 'email' ? ['email', 'email_verified_at'] : ['phone_e164', 'phone_verified_at'];
    const lastOn = `r.status = 'active' AND NOT EXISTS (SELECT 1 FROM resident_channel c WHERE c.resident_id = r.id AND c.enabled AND c.channel <> $3)`;
    await tx.query<unknown>(
      `WITH locked AS (SELECT id, status FROM resident WHERE ${column} = $2 AND status <> 'erased' ORDER BY id FOR UPDATE),
       others AS (
         SELECT l.id, l.status = 'pending'
                AND NOT EXISTS (SELECT 1 FROM rating x WHERE x.resident_id = l.id)
                AND NOT EXISTS (SELECT 1 FROM reply x WHERE x.resident_id = l.id) AS bare
           FROM locked l WHERE l.id <> $1 AND EXISTS (SELECT 1 FROM locked WHERE id = $1)),
       gone AS (DELETE FROM resident WHERE id IN (SELECT id FROM others WHERE bare) RETURNING id),
       released AS (
         UPDATE resident r
            SET ${column} = NULL, ${verifiedColumn} = NULL,
                status = CASE WHEN ${lastOn} THEN 'unsubscribed' ELSE r.status END,
                left_at = CASE WHEN ${lastOn} THEN coalesce(r.left_at, now()) ELSE r.left_at END,
                updated_at = now()
          WHERE r.id IN (SELECT id FROM others WHERE NOT bare)
          RETURNING r.id),
       off AS (UPDATE resident_channel SET enabled = false WHERE channel = $3 AND resident_id IN (SELECT id FROM released)),
       codes AS (DELETE FROM resident_sms_code WHERE $3 = 'sms' AND resident_id IN (SELECT id FROM released))
       SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM released) AS n`,
      [residentId, address, channel],
    );
    // (UPDATE … RETURNING inside a CTE: TypeORM returns plain rows for a SELECT.)
    const rows = await tx.query<{ status: ResidentStatus }[]>(
      `WITH verified AS (
         UPDATE resident
            SET ${verifiedColumn} = coalesce(${verifiedColumn}, now()),
                activated_at = CASE WHEN status = 'pending' THEN coalesce(activated_at, now()) ELSE activated_at END,
                status = CASE WHEN status = 'pending' THEN 'active' ELSE status END,
                updated_at = now()
          WHERE id = $1 AND ${column} = $2 AND status <> 'erased'
          RETURNING status)
       SELECT status FROM verified`,
      [residentId, address],
    );
    return rows[0]?.status ?? null;
  }

  async applyChanges(residentId: string, changes: ResidentChanges, tx: EntityManager): Promise<void> {
    const keys = (Object.keys(changes) as (keyof ResidentChanges)[]).filter((k) => changes[k] !== undefined);
    if (!keys.length) return;
    const sets = keys.map((k, i) => `${CHANGE_COLUMNS[k]} = $${i + 2}`);
    // A changed address is a claim, unverified until the new verification comes back (it may be
    // another resident's: only verifying it moves it, see markVerified).
    if (keys.includes('email')) sets.push('email_verified_at = NULL');
    if (keys.includes('phoneE164')) sets.push('phone_verified_at = NULL');
    // The centroid follows the postcode (null when it is not in the directory): never a stale location.
    if (keys.includes('postcode')) {
      const n = keys.indexOf('postcode') + 2;
      sets.push(`postcode_lat = (SELECT lat FROM postcode WHERE postcode = $${n}::varchar)`, `postcode_long = (SELECT long FROM postcode WHERE postcode = $${n}::varchar)`);
    }
    await tx.query<unknown>(`UPDATE resident SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, [residentId, ...keys.map((k) => changes[k])]);
  }

  async upsertChannel(residentId: string, channel: Channel, change: { enabled?: boolean; minPriority?: Priority }, tx: EntityManager): Promise<void> {
    await tx.query<unknown>(
      `INSERT INTO resident_channel (resident_id, channel, enabled, min_priority)
       VALUES ($1, $2, coalesce($3, true), coalesce($4, 'information'))
       ON CONFLICT (resident_id, channel) DO UPDATE
         SET enabled = coalesce($3, resident_channel.enabled), min_priority = coalesce($4, resident_channel.min_priority)`,
      [residentId, channel, change.enabled ?? null, change.minPriority ?? null],
    );
  }

  /** Turns channels off; returns the channels that were on. */
  async disableChannels(residentId: string, channels: Channel[] | 'all', tx: EntityManager): Promise<Channel[]> {
    const rows = await tx.query<{ channel: Channel }[]>(
      `WITH off AS (
         UPDATE resident_channel SET enabled = false
          WHERE resident_id = $1 AND enabled AND ($2::varchar[] IS NULL OR channel = ANY($2::varchar[]))
          RETURNING channel)
       SELECT channel FROM off`,
      [residentId, channels === 'all' ? null : channels],
    );
    return rows.map((r) => r.channel);
  }

  /**
   * Status follows the channels: no channel on → 'unsubscribed' (a leaver, if they had ever
   * been active); a channel back on for an unsubscribed, once-verified resident → 'active'.
   */
  async syncStatusWithChannels(residentId: string, tx: EntityManager): Promise<void> {
    await tx.query<unknown>(
      `UPDATE resident r
          SET status = 'unsubscribed',
              left_at = CASE WHEN r.activated_at IS NOT NULL THEN coalesce(r.left_at, now()) ELSE r.left_at END,
              updated_at = now()
        WHERE r.id = $1 AND r.status IN ('pending', 'active')
          AND NOT EXISTS (SELECT 1 FROM resident_channel c WHERE c.resident_id = r.id AND c.enabled)`,
      [residentId],
    );
    await tx.query<unknown>(
      `UPDATE resident r
          SET status = 'active', left_at = NULL, activated_at = coalesce(r.activated_at, now()), updated_at = now()
        WHERE r.id = $1 AND r.status = 'unsubscribed'
          AND (r.email_verified_at IS NOT NULL OR r.phone_verified_at IS NOT NULL)
          AND EXISTS (SELECT 1 FROM resident_channel c WHERE c.resident_id = r.id AND c.enabled)`,
      [residentId],
    );
  }

  /**
   * Deletes sign-ups that never verified an address and signed up before `before` (their
   * channels, topics, interests and codes go by cascade), and SMS codes dead for a day. A
   * resident that was ever active is never touched here. Returns the residents deleted.
   */
  async purgeUnverified(before: Date): Promise<number> {
    await this.db.query<unknown>(`DELETE FROM resident_sms_code WHERE expires_at < now() - interval '1 day'`);
    const [row] = await this.db.query<{ n: number }[]>(
      `WITH gone AS (
         DELETE FROM resident
          WHERE status = 'pending' AND activated_at IS NULL AND email_verified_at IS NULL AND phone_verified_at IS NULL
            AND created_at < $1
            AND NOT EXISTS (SELECT 1 FROM rating x WHERE x.resident_id = resident.id)
            AND NOT EXISTS (SELECT 1 FROM reply x WHERE x.resident_id = resident.id)
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [before],
    );
    return row.n;
  }

  /**
   * Residents who unsubscribed from everything before `before` (INACTIVE_RESIDENT_RETENTION_DAYS
   * after leaving, the retention erases them), oldest leaver first; `emailLike` narrows to a
   * demo's addresses.
   */
  async leftBefore(before: Date, opts: { limit?: number; emailLike?: string[] } = {}, manager: EntityManager = this.db.manager): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(
      `SELECT id FROM resident
        WHERE status = 'unsubscribed' AND left_at < $1 AND ($2::text[] IS NULL OR email LIKE ANY($2::text[]))
        ORDER BY left_at LIMIT $3`,
      [before, opts.emailLike ?? null, opts.limit ?? null],
    );
    return rows.map((r) => r.id);
  }

  /**
   * GDPR erasure, of one resident or many in the same statements. Personal columns are nulled;
   * ward_code, source, activated_at, created_at and consent_at stay so sign-up, reach and leaver
   * reports keep their counts without a person.
   */
  async erase(residentIds: readonly string[], tx: EntityManager): Promise<void> {
    if (!residentIds.length) return;
    await tx.query<unknown>(
      `UPDATE resident
          SET email = NULL, phone_e164 = NULL, first_name = NULL, last_name = NULL, postcode = NULL, postcode_lat = NULL, postcode_long = NULL,
              campaign_code = NULL, age_band = NULL, ethnicity = NULL, language = NULL,
              quiet_start = NULL, quiet_end = NULL, email_verified_at = NULL, phone_verified_at = NULL,
              status = 'erased', erased_at = now(), left_at = coalesce(left_at, now()), updated_at = now()
        WHERE id = ANY($1::uuid[])`,
      [residentIds],
    );
    // suspended_reason can quote a bounce message, which may name the address.
    await tx.query<unknown>('UPDATE resident_channel SET enabled = false, suspended_reason = NULL WHERE resident_id = ANY($1::uuid[])', [residentIds]);
    await tx.query<unknown>('DELETE FROM resident_topic WHERE resident_id = ANY($1::uuid[])', [residentIds]);
    await tx.query<unknown>('DELETE FROM resident_interest WHERE resident_id = ANY($1::uuid[])', [residentIds]);
    await tx.query<unknown>('DELETE FROM resident_sms_code WHERE resident_id = ANY($1::uuid[])', [residentIds]);
    // A ward move stays as an anonymous count (from, to, when), no longer linked to the person.
    await tx.query<unknown>('UPDATE resident_ward_move SET resident_id = NULL WHERE resident_id = ANY($1::uuid[])', [residentIds]);
  }

  /** Every column of every row held about the resident (SELECT *, so new columns are exported too). */
  async dataRows(residentId: string): Promise<ResidentDataRows> {
    return this.db.transaction('REPEATABLE READ', async (tx) => {
      const [resident] = await tx.query<Record<string, unknown>[]>('SELECT * FROM resident WHERE id = $1', [residentId]);
      const channels = await tx.query<Record<string, unknown>[]>('SELECT * FROM resident_channel WHERE resident_id = $1 ORDER BY channel', [residentId]);
      const topics = await tx.query<Record<string, unknown>[]>('SELECT * FROM resident_topic WHERE resident_id = $1 ORDER BY topic', [residentId]);
      const interestGroups = await tx.query<Record<string, unknown>[]>('SELECT * FROM resident_interest WHERE resident_id = $1 ORDER BY interest_group', [residentId]);
      // The code hash is a credential, not information about the person.
      const smsVerification = await tx.query<Record<string, unknown>[]>('SELECT resident_id, expires_at, attempts FROM resident_sms_code WHERE resident_id = $1', [residentId]);
      const wardMoves = await tx.query<Record<string, unknown>[]>('SELECT * FROM resident_ward_move WHERE resident_id = $1 ORDER BY moved_at, id', [residentId]);
      return { resident, channels, topics, interestGroups, smsVerification, wardMoves };
    });
  }
}
