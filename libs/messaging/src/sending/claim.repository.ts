import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf } from '@beacon/core';
import { SENDABLE_SQL } from '@beacon/residents';

export interface ClaimedDelivery {
  id: string;
  residentId: string;
  channel: string;
  attempts: number;
  email: string | null;
  phone: string | null;
  /** The resident's language as they gave it (free text): which translation they get. */
  language: string | null;
  eligible: boolean;
  /** The row's partition key (delivery.created_at, as exact text): outcomes name the row by (id, created_at). */
  createdAt: string;
}

// Moves the rows in `picked` to 'sending' and returns them with the address and whether the
// resident may still be sent on that channel (residents' rule, re-checked at the claim).
// The resident's address and eligibility come from one lookup per claimed row: a LATERAL
// subquery with LIMIT, which the planner can neither flatten into a join nor hash. A join may
// become a hash join over every resident (measured at 1M residents: 0.76 s a claim, the claim's
// row estimate coming from a partition's statistics that lag behind a fan-out that has just
// filled it), and correlated scalar subqueries in RETURNING were hashed the same way at 100k
// residents (the eligibility EXISTS built a hash of every resident_channel row: ~200 ms a claim).
// A resident row that no longer exists makes the delivery ineligible (cancelled, not sent).
const CLAIM_UPDATE = `,
  claimed AS (
    UPDATE delivery d SET status = 'sending', claimed_at = now(), attempts = d.attempts + 1, updated_at = now()
      FROM picked
     WHERE d.id = picked.id AND d.created_at = picked.created_at AND d.status = 'queued'
    RETURNING d.id, d.resident_id, d.channel, d.attempts, d.created_at)
  SELECT c.id::text AS id, c.resident_id AS "residentId", c.channel, c.attempts, c.created_at::text AS "createdAt",
         a.email, a.phone, a.language, COALESCE(a.eligible, false) AS eligible
    FROM claimed c
    LEFT JOIN LATERAL (
      SELECT r.email, r.phone_e164 AS phone, r.language, COALESCE(${SENDABLE_SQL}, false) AS eligible
        FROM resident r LEFT JOIN resident_channel rc ON rc.resident_id = r.id AND rc.channel = c.channel
       WHERE r.id = c.resident_id
       LIMIT 1) a ON true`;

/**
 * A sender's claim on delivery rows is a lease: taken here (`queued → sending`), renewed while the
 * batch runs, handed back when rows are not sent, and taken back by the sweeper when it goes stale.
 */
@Injectable()
export class ClaimRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Claims due queued deliveries and returns them with the address and whether the resident may
   * still be sent to. Rows that wait for a time (retries, pauses, quiet hours) come first, from
   * their partial index (FOR UPDATE SKIP LOCKED: workers never share a row); the rest come from
   * the message's cursors, each claim taking the next `limit` rows of one range (the cursor row's
   * lock hands each range slice to one worker).
   */
  async claim(messageId: string, channel: string, limit: number): Promise<ClaimedDelivery[]> {
    const waited = rowsOf<ClaimedDelivery>(
      await this.db.query<unknown>(
        `WITH picked AS (
           SELECT id, created_at FROM delivery
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
      // Index paths only: every statement below walks a slice of at most `limit` rows by the
      // unique (message, resident, channel) key and reaches other rows by their keys. A claim runs
      // while the fan-out fills the partition, so the partition's statistics lag behind it: a
      // partition analysed near-empty was read whole for each claim (a sequential scan, then a hash
      // of every queued row for the UPDATE's join; measured: ~55 ms a claim of 1,000 rows at 50,000
      // rows in the partition, growing with it).
      await tx.query<unknown>(`SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off`);
      // A free range first; if every open range is being claimed right now, wait for one (briefly:
      // a claim is one statement) rather than report "nothing to do" while rows remain.
      const pick = (skipLocked: boolean) =>
        tx.query<{ part: number; after: string; last: string; written: boolean }[]>(
          // A range the fan-out is still writing is claimed up to what it has committed (written_upto).
          `SELECT part, after_resident AS after, COALESCE(written_upto, last_resident) AS last, written_upto IS NULL AS written FROM delivery_cursor
            WHERE message_id = $1 AND channel = $2 AND NOT exhausted AND (written_upto IS NULL OR after_resident < written_upto)
            ORDER BY part LIMIT 1 FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''}`,
          [messageId, channel],
        );
      // Waiting is only allowed while this transaction holds no cursor row: a claim that found its
      // range empty keeps that row locked, and two claims each holding one and waiting for the
      // other's deadlocked (seen once ranges stayed open while the fan-out writes in slices).
      let holding = false;
      for (;;) {
        let [cursor] = await pick(true);
        if (!cursor && !holding) [cursor] = await pick(false);
        if (!cursor) return [];
        holding = true;
        const [slice] = await tx.query<{ n: number; upto: string | null }[]>(
          `WITH slice AS (
             SELECT resident_id FROM delivery
              WHERE message_id = $1 AND resident_id > $3::uuid AND resident_id <= $4::uuid AND channel = $2
              ORDER BY resident_id LIMIT $5)
           SELECT count(*)::int AS n, (SELECT resident_id FROM slice ORDER BY resident_id DESC LIMIT 1) AS upto FROM slice`,
          [messageId, channel, cursor.after, cursor.last, limit],
        );
        // Short of `limit`: everything up to `last` is taken (the range is exhausted once the
        // fan-out has written all of it; until then the cursor waits at what is written).
        await tx.query<unknown>(
          `UPDATE delivery_cursor SET after_resident = $4::uuid, exhausted = $5
            WHERE message_id = $1 AND channel = $2 AND part = $3`,
          [messageId, channel, cursor.part, slice.n < limit ? cursor.last : slice.upto, slice.n < limit && cursor.written],
        );
        if (!slice.n) continue; // that range was done: try the next
        // Rows of the slice still fresh (queued, no wait time); anything else has its own path.
        const claimed = rowsOf<ClaimedDelivery>(
          await tx.query<unknown>(
            // Locked in resident order, as a cancel's UPDATE walks them (no deadlock); a row a
            // cancel took meanwhile fails the re-checked status and is left alone.
            // LIMIT: the slice holds at most `limit` rows; saying so bounds the planner's estimate.
            `WITH picked AS (
               SELECT id, created_at FROM delivery
                WHERE message_id = $1 AND channel = $2 AND resident_id > $3::uuid AND resident_id <= $4::uuid
                  AND status = 'queued' AND not_before IS NULL
                ORDER BY resident_id LIMIT $5 FOR UPDATE)
             ${CLAIM_UPDATE}`,
            [messageId, channel, cursor.after, slice.upto, limit],
          ),
        );
        if (claimed.length) return claimed;
      }
    });
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
    await this.db.query<unknown>(
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
    await this.db.query<unknown>(
      `UPDATE delivery SET claimed_at = now()
        WHERE id IN (SELECT id FROM delivery WHERE id = ANY($1::bigint[]) AND status = 'sending' FOR UPDATE SKIP LOCKED)`,
      [ids],
    );
  }

  /** Rows claimed by a worker that died: back to the queue. Returns the messages affected. */
  async requeueStale(olderThanSeconds: number): Promise<string[]> {
    const rows = rowsOf<{ message_id: string }>(
      await this.db.query<unknown>(
      `UPDATE delivery SET status = 'queued', claimed_at = NULL, not_before = now(), updated_at = now()
        WHERE id IN (SELECT id FROM delivery WHERE status = 'sending' AND claimed_at < now() - make_interval(secs => $1) FOR UPDATE SKIP LOCKED)
       RETURNING message_id`,
      [olderThanSeconds],
      ),
    );
    return [...new Set(rows.map((r) => r.message_id))];
  }
}
