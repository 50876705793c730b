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
