import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** What a rating link's delivery row says: one message, one resident. */
export interface LinkTarget {
  deliveryId: string;
  messageId: string;
  residentId: string;
  residentStatus: string;
  title: string;
  body: string;
}

/** One message in a resident's archive: their deliveries of it that went out. */
export interface ArchiveRow {
  messageId: string;
  title: string;
  /** The first of their deliveries of it (its rating link opens the message). */
  deliveryId: string;
  channels: string[];
  sentAt: Date;
  /** send_requested_at in microseconds since the epoch: the exact keyset position. */
  sortKey: string;
}

/** Where a page of the archive starts: strictly older than this message. */
export interface ArchiveCursor {
  sortKey: string;
  messageId: string;
}

/**
 * Engagement's reads on tables owned by messaging and residents (it writes none of them):
 * who was sent what, and who texted in.
 */
@Injectable()
export class RecipientRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findLinkTarget(deliveryId: string): Promise<LinkTarget | null> {
    const rows = await this.db.query<LinkTarget[]>(
      `SELECT d.id::text AS "deliveryId", d.message_id AS "messageId", d.resident_id AS "residentId", r.status AS "residentStatus",
              m.title, m.body
         FROM delivery d
         JOIN message m ON m.id = d.message_id
         JOIN resident r ON r.id = d.resident_id
        WHERE d.id = $1::bigint`,
      [deliveryId],
    );
    return rows[0] ?? null;
  }

  /** The resident was actually sent the message (a delivery on any channel that went out). */
  async wasSent(messageId: string, residentId: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(
      `SELECT 1 FROM delivery d JOIN resident r ON r.id = d.resident_id
        WHERE d.message_id = $1 AND d.resident_id = $2 AND d.status IN ('sent', 'delivered') AND r.status <> 'erased'
        LIMIT 1`,
      [messageId, residentId],
    );
    return rows.length > 0;
  }

  /**
   * Who texted from this number: its verified holder. Other residents may claim the number
   * unverified (libs/residents README, "Address claims"); only with no verified holder is the
   * newest claim returned (so STOP still silences a number typed in at sign-up).
   */
  async findResidentByPhone(phoneE164: string): Promise<{ id: string; phoneVerified: boolean } | null> {
    const rows = await this.db.query<{ id: string; phoneVerified: boolean }[]>(
      `SELECT id, phone_verified_at IS NOT NULL AS "phoneVerified" FROM resident WHERE phone_e164 = $1 AND status <> 'erased'
        ORDER BY phone_verified_at IS NULL, created_at DESC, id LIMIT 1`,
      [phoneE164],
    );
    return rows[0] ?? null;
  }

  /**
   * A page of the messages sent to the resident, newest first: messages walked by send time,
   * each probing the (message, resident, channel) unique index of delivery (no resident index,
   * see latestSmsMessage), only deliveries that went out. Erased: no rows (the caller says 410).
   */
  async archivePage(residentId: string, before: ArchiveCursor | null, limit: number): Promise<ArchiveRow[]> {
    return this.db.query<ArchiveRow[]>(
      `SELECT m.id AS "messageId", m.title, d."deliveryId", d.channels, d."sentAt",
              ((extract(epoch FROM m.send_requested_at) * 1000000)::bigint)::text AS "sortKey"
         FROM message m
         JOIN LATERAL (
           SELECT min(d.id)::text AS "deliveryId", array_agg(d.channel::text ORDER BY d.channel) AS channels, max(coalesce(d.sent_at, d.created_at)) AS "sentAt"
             FROM delivery d
            WHERE d.message_id = m.id AND d.resident_id = $1 AND d.status IN ('sent', 'delivered')) d ON d."deliveryId" IS NOT NULL
        WHERE m.send_requested_at IS NOT NULL
          AND ($2::bigint IS NULL OR (m.send_requested_at, m.id) < (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3::uuid))
        ORDER BY m.send_requested_at DESC, m.id DESC
        LIMIT $4`,
      [residentId, before?.sortKey ?? null, before?.messageId ?? null, limit],
    );
  }

  /** The resident is there and not erased (an archive session of an erased resident is gone). */
  async isLive(residentId: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(`SELECT 1 FROM resident WHERE id = $1 AND status <> 'erased'`, [residentId]);
    return rows.length > 0;
  }

  /**
   * The message of the resident's most recent SMS that went out: what an SMS reply answers.
   * delivery has no resident index (it would slow every fan-out), so this walks the recent SMS
   * messages newest first and probes the (message, resident, channel) unique index for each.
   */
  async latestSmsMessage(residentId: string): Promise<string | null> {
    const rows = await this.db.query<{ messageId: string }[]>(
      `SELECT m.id AS "messageId" FROM message m
        WHERE 'sms' = ANY(m.channels) AND m.send_requested_at > now() - interval '180 days'
          AND EXISTS (SELECT 1 FROM delivery d WHERE d.message_id = m.id AND d.resident_id = $1 AND d.channel = 'sms'
                         AND d.status IN ('sent', 'delivered'))
        ORDER BY m.send_requested_at DESC LIMIT 1`,
      [residentId],
    );
    return rows[0]?.messageId ?? null;
  }
}
