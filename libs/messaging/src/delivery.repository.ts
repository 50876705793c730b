import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** Where a cancel's walk through a message's rows has got to. */
export interface CancelKey {
  residentId: string;
  channel: string;
}

/** A message's deliveries as a whole: their progress, and cancelling those still queued. */
@Injectable()
export class DeliveryRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Cancels the next `limit` queued rows of a message after `after` (resident, channel), in that
   * order: the order claims lock rows in, so a claim and a cancel never deadlock. A row a claim or
   * an outcome took meanwhile fails the re-checked status and is left alone. Returns how many rows
   * the slice looked at (0: none are left after `after`) and the key to go on from.
   */
  async cancelQueuedSlice(
    messageId: string,
    after: CancelKey | null,
    limit: number,
    manager: EntityManager = this.db.manager,
  ): Promise<{ picked: number; last: CancelKey | null }> {
    const [row] = await manager.query<{ picked: number; resident: string | null; channel: string | null }[]>(
      `WITH picked AS (
         SELECT id, created_at, resident_id, channel FROM delivery
          WHERE message_id = $1 AND status = 'queued' AND (resident_id, channel) > ($2::uuid, $3::varchar)
          ORDER BY resident_id, channel LIMIT $4 FOR UPDATE),
       done AS (
         UPDATE delivery d SET status = 'cancelled', updated_at = now()
           FROM picked WHERE d.id = picked.id AND d.created_at = picked.created_at AND d.status = 'queued' RETURNING 1),
       last AS (SELECT resident_id, channel FROM picked ORDER BY resident_id DESC, channel DESC LIMIT 1)
       SELECT (SELECT count(*)::int FROM picked) AS picked,
              (SELECT resident_id::text FROM last) AS resident, (SELECT channel FROM last) AS channel`,
      [messageId, after?.residentId ?? '00000000-0000-0000-0000-000000000000', after?.channel ?? '', limit],
    );
    return { picked: row.picked, last: row.resident ? { residentId: row.resident, channel: row.channel! } : null };
  }

  /**
   * Rows of a message put back in the queue behind a cancel's walk (a retry written by a send
   * that was in flight), from the small retry index: cancelled too. Returns how many.
   */
  async cancelWaiting(messageId: string): Promise<number> {
    const [row] = await this.db.query<{ n: number }[]>(
      `WITH done AS (
         UPDATE delivery SET status = 'cancelled', updated_at = now()
          WHERE message_id = $1 AND status = 'queued' AND not_before IS NOT NULL RETURNING 1)
       SELECT count(*)::int AS n FROM done`,
      [messageId],
    );
    return row.n;
  }

  /**
   * Per channel, deliveries by status, and `complained` (ARF reports; any status), from the
   * counters the delivery trigger keeps (`message_delivery_count`; no scan of `delivery`).
   * `waiting` (queued with a time to wait for) is queued; states that sum to nothing are left out,
   * as a count of the rows would.
   */
  async progress(messageId: string): Promise<Record<string, Record<string, number>>> {
    const rows = await this.db.query<{ channel: string; status: string; n: number; complained: number }[]>(
      `SELECT channel, CASE WHEN state = 'waiting' THEN 'queued' ELSE state END AS status,
              sum(deliveries)::int AS n, sum(complained)::int AS complained
         FROM message_delivery_count WHERE message_id = $1
        GROUP BY 1, 2 HAVING sum(deliveries) <> 0 OR sum(complained) <> 0`,
      [messageId],
    );
    const out: Record<string, Record<string, number>> = {};
    for (const r of rows) {
      const c = (out[r.channel] ??= {});
      if (r.n) c[r.status] = r.n;
      if (r.complained) c.complained = (c.complained ?? 0) + r.complained;
    }
    return out;
  }

  /** The same figures counted from `delivery` itself: the reference the counters are tested against. */
  async progressLive(messageId: string): Promise<Record<string, Record<string, number>>> {
    const rows = await this.db.query<{ channel: string; status: string; n: number; complained: number }[]>(
      `SELECT channel, status, count(*)::int AS n, count(*) FILTER (WHERE complained_at IS NOT NULL)::int AS complained
         FROM delivery WHERE message_id = $1 GROUP BY channel, status`,
      [messageId],
    );
    const out: Record<string, Record<string, number>> = {};
    for (const r of rows) {
      const c = (out[r.channel] ??= {});
      c[r.status] = r.n;
      if (r.complained) c.complained = (c.complained ?? 0) + r.complained;
    }
    return out;
  }

  /**
   * Recipients by language counted from the delivery rows, for the messages that have none yet:
   * deliveries written without the fan-out (the demo seed, `npm run bench`).
   */
  async countLanguagesWhereMissing(manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query<unknown>(
      `INSERT INTO message_language_recipients (message_id, language, recipients)
       SELECT d.message_id, coalesce(lower(btrim(r.language)), ''), count(DISTINCT d.resident_id)::int
         FROM delivery d JOIN resident r ON r.id = d.resident_id
        WHERE NOT EXISTS (SELECT 1 FROM message_language_recipients x WHERE x.message_id = d.message_id)
        GROUP BY 1, 2`,
    );
  }

  /**
   * Recipients of a message by the language they gave (trimmed and lower-cased; null for none),
   * from the counts the fan-out writes with its rows (`message_language_recipients`), not a scan
   * of the message's deliveries.
   */
  async recipientLanguages(messageId: string): Promise<{ language: string | null; n: number }[]> {
    return this.db.query<{ language: string | null; n: number }[]>(
      `SELECT nullif(language, '') AS language, sum(recipients)::int AS n
         FROM message_language_recipients WHERE message_id = $1 GROUP BY language`,
      [messageId],
    );
  }
}
