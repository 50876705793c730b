import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf } from '@beacon/core';

/** What is left to send: due work for the sweeper, and whether a message is finished. */
@Injectable()
export class SendProgressRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** (message, channel) pairs of sending messages with work due: an open cursor range, or waiting rows now due. */
  async findDueWork(): Promise<{ messageId: string; channel: string }[]> {
    return this.db.query<{ messageId: string; channel: string }[]>(
      `SELECT m.id AS "messageId", c.channel
         FROM message m CROSS JOIN LATERAL unnest(m.channels) AS c(channel)
        WHERE m.status = 'sending'
          AND (EXISTS (SELECT 1 FROM delivery_cursor k WHERE k.message_id = m.id AND k.channel = c.channel AND NOT k.exhausted)
               OR EXISTS (SELECT 1 FROM delivery d WHERE d.message_id = m.id AND d.channel = c.channel AND d.status = 'queued'
                             AND d.not_before IS NOT NULL AND d.not_before <= now()))`,
    );
  }

  /**
   * Folds the append-only delivery counters (`message_delivery_count`) of a finished message, or
   * of every sending or paused message with more than `threshold` rows, into one row per channel
   * and state, in one statement. Rows added meanwhile are outside the statement's snapshot and
   * stay as they are, so nothing is counted twice or lost; one compaction at a time (advisory
   * lock, skipped when another worker holds it). Returns the messages folded.
   */
  async compactCounts(messageId: string | null = null, threshold = 64): Promise<number> {
    return this.db.transaction(async (tx) => {
      const [lock] = await tx.query<{ ok: boolean }[]>(`SELECT pg_try_advisory_xact_lock(hashtextextended('message_delivery_count:compact', 0)) AS ok`);
      if (!lock.ok) return 0;
      const [row] = await tx.query<{ n: number }[]>(
        `WITH heavy AS (
           SELECT c.message_id FROM message_delivery_count c
            WHERE ($1::uuid IS NULL AND c.message_id IN (SELECT id FROM message WHERE status IN ('sending', 'paused'))) OR c.message_id = $1::uuid
            GROUP BY c.message_id HAVING count(*) > (CASE WHEN $1::uuid IS NULL THEN $2::int ELSE 0 END)),
         gone AS (
           DELETE FROM message_delivery_count c USING heavy h WHERE c.message_id = h.message_id
           RETURNING c.message_id, c.channel, c.state, c.deliveries, c.complained),
         folded AS (
           INSERT INTO message_delivery_count (message_id, channel, state, deliveries, complained)
           SELECT message_id, channel, state, sum(deliveries), sum(complained) FROM gone
            GROUP BY 1, 2, 3 HAVING sum(deliveries) <> 0 OR sum(complained) <> 0
           RETURNING 1)
         SELECT count(*)::int AS n FROM heavy`,
        [messageId, threshold],
      );
      return row.n;
    });
  }

  /**
   * Whether anything of the message may still be sent: the fan-out has not finished (no
   * recipient count yet), a cursor range is open, rows wait for a time, or rows are claimed
   * (the last two from the delivery counters, `message_delivery_count`: no scan of `delivery`).
   */
  async hasUnfinished(messageId: string): Promise<boolean> {
    const [row] = await this.db.query<{ unfinished: boolean }[]>(
      `SELECT (SELECT recipient_count IS NULL FROM message WHERE id = $1)
           OR EXISTS (SELECT 1 FROM delivery_cursor WHERE message_id = $1 AND NOT exhausted)
           OR EXISTS (SELECT 1 FROM message_delivery_count WHERE message_id = $1 AND state IN ('waiting', 'sending')
                       GROUP BY state HAVING sum(deliveries) > 0) AS unfinished`,
      [messageId],
    );
    return row.unfinished === true;
  }

  /**
   * When the channel's next waiting row of the message falls due (rows held by a throttled or
   * unreachable provider, retries, quiet hours); null when none waits for a later time.
   */
  async nextWaiting(messageId: string, channel: string): Promise<Date | null> {
    const [row] = await this.db.query<{ at: Date | null }[]>(
      `SELECT min(not_before) AS at FROM delivery WHERE message_id = $1 AND channel = $2 AND status = 'queued' AND not_before > now()`,
      [messageId, channel],
    );
    return row?.at ?? null;
  }

  /**
   * Queued rows that no claim path reaches (no open cursor range covers them and they have no
   * not_before), e.g. written by a worker of the previous release during an upgrade: given a
   * not_before so the retry path sends them. Asked once, when a message looks finished.
   */
  async reviveStranded(messageId: string): Promise<number> {
    const rows = await this.db.query<unknown>(
      `UPDATE delivery SET not_before = now(), updated_at = now()
        WHERE message_id = $1 AND status = 'queued' AND not_before IS NULL
          AND NOT EXISTS (SELECT 1 FROM delivery_cursor k
                           WHERE k.message_id = $1 AND k.channel = delivery.channel AND NOT k.exhausted
                             AND delivery.resident_id > k.after_resident AND delivery.resident_id <= k.last_resident)
       RETURNING 1 AS revived`,
      [messageId],
    );
    return rowsOf<{ revived: 1 }>(rows).length;
  }
}
