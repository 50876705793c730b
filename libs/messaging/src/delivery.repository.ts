import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { rowsOf } from '@beacon/core';
import type { DeliveryStatus } from './message.entities';
import { SENDABLE_SQL } from '@beacon/residents';
import type { ResolvedAudience } from './audience/audience-spec';

export type { ResolvedAudience };
import { AUDIENCE_JOIN, audienceWhere, quietHoursNotBefore, sqlParams } from './audience/audience.sql';

export interface ClaimedDelivery {
  id: string;
  residentId: string;
  channel: string;
  attempts: number;
  email: string | null;
  phone: string | null;
  eligible: boolean;
}

export interface DeliveryOutcome {
  id: string;
  status: DeliveryStatus | 'queued';
  providerId?: string | null;
  error?: string | null;
  notBefore?: Date | null;
}

// Moves the rows in `picked` to 'sending' and returns them with the address and whether the
// resident may still be sent on that channel (residents' rule, re-checked at the claim).
const CLAIM_UPDATE = `
  UPDATE delivery d SET status = 'sending', claimed_at = now(), attempts = d.attempts + 1, updated_at = now()
    FROM picked, resident r
   WHERE d.id = picked.id AND r.id = d.resident_id AND d.status = 'queued'
  RETURNING d.id::text AS id, d.resident_id AS "residentId", d.channel, d.attempts,
            r.email, r.phone_e164 AS phone,
            EXISTS (SELECT 1 FROM resident_channel rc WHERE rc.resident_id = r.id AND rc.channel = d.channel AND ${SENDABLE_SQL}) AS eligible`;

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/**
 * `parts` ranges (after, last] covering the uuid space. Resident ids are random (v4), so the
 * ranges hold about the same number of residents; the nil UUID is never a resident's id.
 */
export function residentRanges(parts: number): [string, string][] {
  const toUuid = (n: bigint) => n.toString(16).padStart(32, '0').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  const span = 1n << 128n;
  const bounds = Array.from({ length: parts + 1 }, (_, k) => (k === 0 ? NIL_UUID : k === parts ? MAX_UUID : toUuid((span * BigInt(k)) / BigInt(parts))));
  return bounds.slice(0, -1).map((after, k) => [after, bounds[k + 1]]);
}

@Injectable()
export class DeliveryRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async countAudience(a: ResolvedAudience): Promise<{ total: number; email: number; sms: number }> {
    const { params, p } = sqlParams();
    const [row] = await this.db.query<{ total: number; email: number; sms: number }[]>(
      `SELECT count(DISTINCT r.id)::int AS total,
              count(*) FILTER (WHERE rc.channel = 'email')::int AS email,
              count(*) FILTER (WHERE rc.channel = 'sms')::int AS sms
         FROM ${AUDIENCE_JOIN}
        WHERE ${audienceWhere(a, p)}`,
      params,
    );
    return row;
  }

  /**
   * The fan-out. The resident-id space is split into `parts` ranges and each range's deliveries
   * are written by one set-based INSERT … SELECT in its own transaction, the ranges in parallel
   * on their own connections (PostgreSQL runs an INSERT … SELECT on one core). Overlapping targets
   * are one row per resident and channel (the audience is a WHERE over resident ⨝ channel, and
   * unique (message, resident, channel) guards it). Each range's transaction first claims its
   * delivery_cursor rows with ON CONFLICT DO NOTHING: a range already written (a re-run after a
   * crash, or two workers at once: the second waits for the first's commit, then skips) inserts
   * nothing. The delivery insert itself is a plain INSERT: ON CONFLICT on the delivery rows would
   * make every row a speculative insertion (measured 12.3 s instead of 9.5 s for 1.33M rows), and
   * the range marker already gives the same idempotence. Rows go in resident order, so the unique
   * index grows at its right edge.
   *
   * The split is fixed by the message's first fan-out: a re-run uses the number of ranges stored
   * in its cursor rows, whatever FANOUT_PARALLELISM says now, so ranges never overlap or leave
   * gaps between runs.
   *
   * Returns rows inserted per channel, and recipients (null when a range had been written by an
   * earlier run, so the caller counts them from the table).
   */
  async insertForAudience(messageId: string, a: ResolvedAudience, now: Date, parallelism = 1): Promise<{ inserted: Record<string, number>; recipients: number | null }> {
    const [earlier] = await this.db.query('SELECT parts FROM delivery_cursor WHERE message_id = $1 LIMIT 1', [messageId]);
    const parts: number = earlier?.parts ?? parallelism;
    const results = await Promise.all(residentRanges(parts).map((range, part) => this.insertRange(messageId, a, now, part, parts, range)));
    const inserted: Record<string, number> = {};
    let recipients: number | null = 0;
    for (const r of results) {
      if (!r) {
        recipients = null;
        continue;
      }
      for (const [channel, n] of Object.entries(r.inserted)) inserted[channel] = (inserted[channel] ?? 0) + n;
      if (recipients !== null) recipients += r.recipients;
    }
    return { inserted, recipients };
  }

  private insertRange(messageId: string, a: ResolvedAudience, now: Date, part: number, parts: number, [after, last]: [string, string]) {
    return this.db.transaction(async (tx) => {
      const claimed = rowsOf<{ channel: string }>(
        await tx.query(
          `INSERT INTO delivery_cursor (message_id, channel, part, parts, after_resident, last_resident)
           SELECT $1, c, $3, $6, $4, $5 FROM unnest($2::varchar[]) AS c
           ON CONFLICT DO NOTHING RETURNING channel`,
          [messageId, a.channels, part, after, last, parts],
        ),
      );
      if (claimed.length < a.channels.length) return null; // written by an earlier (or concurrent) run
      await tx.query(`SET LOCAL work_mem = '256MB'`);
      // The audience is materialised once, in (resident, channel) order: the insert reads it, and
      // the counts come from it (first_channel marks one row per recipient) without RETURNING.
      const { params, p } = sqlParams();
      const [clock, lo, hi, message] = [p(now), p(after), p(last), p(messageId)];
      const [row] = await tx.query<{ recipients: number; per_channel: Record<string, number> | null }[]>(
        `WITH clock AS (SELECT (${clock}::timestamptz AT TIME ZONE 'Europe/London')::time AS t, (${clock}::timestamptz AT TIME ZONE 'Europe/London')::date AS d),
         aud AS MATERIALIZED (
           SELECT r.id AS resident_id, rc.channel, ${quietHoursNotBefore(a)} AS not_before,
                  row_number() OVER (PARTITION BY r.id ORDER BY rc.channel) = 1 AS first_channel
             FROM clock, ${AUDIENCE_JOIN}
            WHERE ${audienceWhere(a, p)}
              AND r.id > ${lo}::uuid AND r.id <= ${hi}::uuid AND rc.resident_id > ${lo}::uuid AND rc.resident_id <= ${hi}::uuid
            ORDER BY r.id, rc.channel),
         ins AS (
           INSERT INTO delivery (message_id, resident_id, channel, status, not_before)
           SELECT ${message}::uuid, resident_id, channel, 'queued', not_before FROM aud),
         per_channel AS (SELECT channel, count(*)::int AS n FROM aud GROUP BY channel)
         SELECT (SELECT count(*)::int FROM aud WHERE first_channel) AS recipients,
                (SELECT jsonb_object_agg(channel, n) FROM per_channel) AS per_channel`,
        params,
      );
      const inserted = row.per_channel ?? {};
      await tx.query(
        `UPDATE delivery_cursor k SET inserted = COALESCE(($4::jsonb ->> k.channel)::int, 0)
          WHERE k.message_id = $1 AND k.part = $2 AND k.channel = ANY($3::varchar[])`,
        [messageId, part, a.channels, JSON.stringify(inserted)],
      );
      return { inserted, recipients: row.recipients };
    });
  }

  async countRecipients(messageId: string, manager: EntityManager = this.db.manager): Promise<number> {
    const [row] = await manager.query('SELECT count(DISTINCT resident_id)::int AS n FROM delivery WHERE message_id = $1', [messageId]);
    return row.n;
  }

  /**
   * Claims due queued deliveries and returns them with the address and whether the resident may
   * still be sent to. Rows that wait for a time (retries, pauses, quiet hours) come first, from
   * their partial index (FOR UPDATE SKIP LOCKED: workers never share a row); the rest come from
   * the message's cursors, each claim taking the next `limit` rows of one range (the cursor row's
   * lock hands each range slice to one worker).
   */
  async claim(messageId: string, channel: string, limit: number): Promise<ClaimedDelivery[]> {
    const waited = rowsOf<ClaimedDelivery>(
      await this.db.query(
        `WITH picked AS (
           SELECT id FROM delivery
            WHERE message_id = $1 AND channel = $2 AND status = 'queued' AND not_before IS NOT NULL AND not_before <= now()
            ORDER BY not_before LIMIT $3 FOR UPDATE SKIP LOCKED)
         ${CLAIM_UPDATE}`,
        [messageId, channel, limit],
      ),
    );
    if (waited.length >= limit) return waited;
    return [...waited, ...(await this.claimFromCursor(messageId, channel, limit - waited.length))];
  }

  private claimFromCursor(messageId: string, channel: string, limit: number): Promise<ClaimedDelivery[]> {
    return this.db.transaction(async (tx) => {
      // A free range first; if every open range is being claimed right now, wait for one (briefly:
      // a claim is one statement) rather than report "nothing to do" while rows remain.
      const pick = (skipLocked: boolean) =>
        tx.query(
          `SELECT part, after_resident AS after, last_resident AS last FROM delivery_cursor
            WHERE message_id = $1 AND channel = $2 AND NOT exhausted
            ORDER BY part LIMIT 1 FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''}`,
          [messageId, channel],
        ) as Promise<{ part: number; after: string; last: string }[]>;
      for (;;) {
        let [cursor] = await pick(true);
        if (!cursor) [cursor] = await pick(false);
        if (!cursor) return [];
        const [slice]: { n: number; upto: string | null }[] = await tx.query(
          `WITH slice AS (
             SELECT resident_id FROM delivery
              WHERE message_id = $1 AND resident_id > $3::uuid AND resident_id <= $4::uuid AND channel = $2
              ORDER BY resident_id LIMIT $5)
           SELECT count(*)::int AS n, (SELECT resident_id FROM slice ORDER BY resident_id DESC LIMIT 1) AS upto FROM slice`,
          [messageId, channel, cursor.after, cursor.last, limit],
        );
        await tx.query(
          `UPDATE delivery_cursor SET after_resident = COALESCE($4::uuid, after_resident), exhausted = $5
            WHERE message_id = $1 AND channel = $2 AND part = $3`,
          [messageId, channel, cursor.part, slice.upto, slice.n < limit],
        );
        if (!slice.n) continue; // that range was done: try the next
        // Rows of the slice still fresh (queued, no wait time); anything else has its own path.
        const claimed = rowsOf<ClaimedDelivery>(
          await tx.query(
            // Locked in resident order, as a cancel's UPDATE walks them (no deadlock); a row a
            // cancel took meanwhile fails the re-checked status and is left alone.
            `WITH picked AS (
               SELECT id FROM delivery
                WHERE message_id = $1 AND channel = $2 AND resident_id > $3::uuid AND resident_id <= $4::uuid
                  AND status = 'queued' AND not_before IS NULL
                ORDER BY resident_id FOR UPDATE)
             ${CLAIM_UPDATE}`,
            [messageId, channel, cursor.after, slice.upto],
          ),
        );
        if (claimed.length) return claimed;
      }
    });
  }

  /**
   * Records outcomes of claimed rows. A row the sweeper re-queued meanwhile (its worker looked
   * dead) still takes the outcome: the provider has it, and recording it now saves a second
   * send. Rows already final (another worker re-claimed and finished it) are left alone.
   */
  async record(outcomes: DeliveryOutcome[]): Promise<void> {
    if (!outcomes.length) return;
    await this.db.query(
      `UPDATE delivery d
          SET status = v.status, provider_id = COALESCE(v.provider_id, d.provider_id), last_error = v.err,
              sent_at = CASE WHEN v.status = 'sent' THEN now() ELSE d.sent_at END,
              not_before = CASE WHEN v.status = 'queued' THEN COALESCE(v.not_before, now()) ELSE v.not_before END,
              claimed_at = NULL, updated_at = now()
         FROM unnest($1::bigint[], $2::varchar[], $3::varchar[], $4::varchar[], $5::timestamptz[]) AS v(id, status, provider_id, err, not_before)
        WHERE d.id = v.id AND d.status IN ('sending', 'queued')`,
      [
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.status),
        outcomes.map((o) => o.providerId ?? null),
        outcomes.map((o) => (o.error ? o.error.slice(0, 500) : null)),
        outcomes.map((o) => o.notBefore ?? null),
      ],
    );
  }

  /**
   * Returns claimed-but-unsent rows to the queue without spending an attempt (rate limit,
   * provider unreachable, message paused), due again at `notBefore` so no send job takes them
   * earlier. A row back in the queue always has a not_before: that puts it in idx_delivery_retry,
   * where claims find it. Rows of a cancelled message become `cancelled` instead: the message row
   * is read FOR SHARE, so a cancel committing meanwhile is either waited for (and seen) or waits
   * for this and then cancels the rows as queued ones.
   */
  async release(messageId: string, ids: string[], notBefore: Date | null = null): Promise<void> {
    if (!ids.length) return;
    await this.db.query(
      `WITH m AS (SELECT status = 'cancelled' AS cancelled FROM message WHERE id = $1 FOR SHARE)
       UPDATE delivery d
          SET status = CASE WHEN m.cancelled THEN 'cancelled' ELSE 'queued' END, claimed_at = NULL, attempts = greatest(d.attempts - 1, 0),
              not_before = CASE WHEN m.cancelled THEN d.not_before ELSE COALESCE($3, now()) END, updated_at = now()
         FROM m
        WHERE d.id = ANY($2::bigint[]) AND d.message_id = $1 AND d.status = 'sending'`,
      [messageId, ids, notBefore],
    );
  }

  /**
   * Keeps a live worker's claim fresh while it works through a batch, so the sweeper (which
   * re-queues claims older than STALE_SENDING_SECONDS) only takes rows from workers that died.
   */
  async renewClaims(ids: string[]): Promise<void> {
    if (!ids.length) return;
    // SKIP LOCKED: rows being recorded right now are skipped (they are leaving 'sending'), never waited on.
    await this.db.query(
      `UPDATE delivery SET claimed_at = now()
        WHERE id IN (SELECT id FROM delivery WHERE id = ANY($1::bigint[]) AND status = 'sending' FOR UPDATE SKIP LOCKED)`,
      [ids],
    );
  }

  /** Rows claimed by a worker that died: back to the queue. Returns the messages affected. */
  async requeueStale(olderThanSeconds: number): Promise<string[]> {
    const rows = rowsOf<{ message_id: string }>(
      await this.db.query(
      `UPDATE delivery SET status = 'queued', claimed_at = NULL, not_before = now(), updated_at = now()
        WHERE id IN (SELECT id FROM delivery WHERE status = 'sending' AND claimed_at < now() - make_interval(secs => $1) FOR UPDATE SKIP LOCKED)
       RETURNING message_id`,
      [olderThanSeconds],
      ),
    );
    return [...new Set(rows.map((r) => r.message_id))];
  }

  /** (message, channel) pairs of sending messages with work due: an open cursor range, or waiting rows now due. */
  async findDueWork(): Promise<{ messageId: string; channel: string }[]> {
    return this.db.query(
      `SELECT m.id AS "messageId", c.channel
         FROM message m CROSS JOIN LATERAL unnest(m.channels) AS c(channel)
        WHERE m.status = 'sending'
          AND (EXISTS (SELECT 1 FROM delivery_cursor k WHERE k.message_id = m.id AND k.channel = c.channel AND NOT k.exhausted)
               OR EXISTS (SELECT 1 FROM delivery d WHERE d.message_id = m.id AND d.channel = c.channel AND d.status = 'queued'
                             AND d.not_before IS NOT NULL AND d.not_before <= now()))`,
    );
  }

  /**
   * Whether anything of the message may still be sent: the fan-out has not finished (no
   * recipient count yet), a cursor range is open, rows wait for a time, or rows are claimed.
   */
  async hasUnfinished(messageId: string): Promise<boolean> {
    const [row] = await this.db.query(
      `SELECT (SELECT recipient_count IS NULL FROM message WHERE id = $1)
           OR EXISTS (SELECT 1 FROM delivery_cursor WHERE message_id = $1 AND NOT exhausted)
           OR EXISTS (SELECT 1 FROM delivery WHERE message_id = $1 AND status = 'queued' AND not_before IS NOT NULL)
           OR EXISTS (SELECT 1 FROM delivery WHERE message_id = $1 AND status = 'sending') AS unfinished`,
      [messageId],
    );
    return row.unfinished === true;
  }

  /**
   * Queued rows that no claim path reaches (no open cursor range covers them and they have no
   * not_before), e.g. written by a worker of the previous release during an upgrade: given a
   * not_before so the retry path sends them. Asked once, when a message looks finished.
   */
  async reviveStranded(messageId: string): Promise<number> {
    const rows = await this.db.query(
      `UPDATE delivery SET not_before = now(), updated_at = now()
        WHERE message_id = $1 AND status = 'queued' AND not_before IS NULL
          AND NOT EXISTS (SELECT 1 FROM delivery_cursor k
                           WHERE k.message_id = $1 AND k.channel = delivery.channel AND NOT k.exhausted
                             AND delivery.resident_id > k.after_resident AND delivery.resident_id <= k.last_resident)
       RETURNING 1`,
      [messageId],
    );
    return rowsOf(rows).length;
  }

  async cancelQueued(messageId: string, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(`UPDATE delivery SET status = 'cancelled', updated_at = now() WHERE message_id = $1 AND status = 'queued'`, [messageId]);
  }

  async progress(messageId: string): Promise<Record<string, Record<string, number>>> {
    const rows: { channel: string; status: string; n: number }[] = await this.db.query(
      'SELECT channel, status, count(*)::int AS n FROM delivery WHERE message_id = $1 GROUP BY channel, status',
      [messageId],
    );
    const out: Record<string, Record<string, number>> = {};
    for (const r of rows) (out[r.channel] ??= {})[r.status] = r.n;
    return out;
  }

  /** Twilio status callback: moves an SMS to delivered / failed. Returns the resident for suspensions. */
  async updateByProviderId(providerId: string, status: 'delivered' | 'failed', error: string | null): Promise<{ residentId: string } | null> {
    const rows = rowsOf<{ residentId: string }>(
      await this.db.query(
      `UPDATE delivery SET status = $2, last_error = COALESCE($3, last_error), updated_at = now()
        WHERE provider_id = $1 AND channel = 'sms' AND status IN ('sent', 'delivered')
       RETURNING resident_id AS "residentId"`,
      [providerId, status, error],
      ),
    );
    return rows[0] ?? null;
  }

  /** Adds to (or resets) the run of consecutive provider errors; returns the run length. */
  async trackErrors(messageId: string, channel: string, errors: number, successes: number): Promise<number> {
    const [row] = await this.db.query(
      `INSERT INTO message_channel_health (message_id, channel, consecutive_errors) VALUES ($1, $2, $3)
       ON CONFLICT (message_id, channel) DO UPDATE
         SET consecutive_errors = CASE WHEN $4 > 0 THEN $3 ELSE message_channel_health.consecutive_errors + $3 END
       RETURNING consecutive_errors AS n`,
      [messageId, channel, errors, successes],
    );
    return row.n;
  }
}
