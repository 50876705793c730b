import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { rowsOf } from '@beacon/core';

/** A delivery named by a reply or bounce address (the token was verified before). */
export interface FeedbackDelivery {
  id: string;
  messageId: string;
  residentId: string;
  /** Our Message-ID of the e-mail (threads a staff answer under it). */
  providerId: string | null;
}

/** What a bounce or complaint changed: the resident, and whether this report was news (not a repeat). */
export interface FeedbackResult {
  residentId: string;
  changed: boolean;
}

/**
 * What comes back after an e-mail was accepted by the relay (libs/engagement reads the reports;
 * messaging owns the delivery rows): asynchronous bounces (RFC 3464 DSN) and complaints
 * (RFC 5965 ARF). Each is recorded once per delivery, so a report sent twice changes nothing;
 * `manager` puts the write in the caller's transaction (with the suspension it causes).
 */
@Injectable()
export class DeliveryFeedbackService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findEmailDelivery(deliveryId: string): Promise<FeedbackDelivery | null> {
    const rows = await this.db.query<FeedbackDelivery[]>(
      `SELECT id::text, message_id AS "messageId", resident_id AS "residentId", provider_id AS "providerId"
         FROM delivery WHERE id = $1 AND channel = 'email'`,
      [deliveryId],
    );
    return rows[0] ?? null;
  }

  /**
   * The e-mail bounced after it left: `bounced`, with the DSN status code (e.g. 5.1.1; 4.x.x is a
   * soft bounce) and the relay's diagnostic. Only an e-mail that went out can bounce, and only
   * its first report counts.
   */
  async recordBounce(deliveryId: string, statusCode: string, diagnostic: string, manager: EntityManager = this.db.manager): Promise<FeedbackResult | null> {
    const rows = rowsOf<{ residentId: string }>(
      await manager.query<unknown>(
        `UPDATE delivery SET status = 'bounced', bounce_status = $2, last_error = $3, updated_at = now()
          WHERE id = $1 AND channel = 'email' AND status IN ('sent', 'delivered', 'unknown', 'bounced') AND bounce_status IS NULL
          RETURNING resident_id AS "residentId"`,
        [deliveryId, statusCode.slice(0, 10), `DSN ${statusCode}: ${diagnostic}`.slice(0, 500)],
      ),
    );
    if (rows[0]) return { residentId: rows[0].residentId, changed: true };
    const known = await this.findEmailDelivery(deliveryId);
    return known ? { residentId: known.residentId, changed: false } : null;
  }

  /** The resident reported the e-mail as spam (a feedback-loop report): counted once per delivery. */
  async recordComplaint(deliveryId: string, manager: EntityManager = this.db.manager): Promise<FeedbackResult | null> {
    const rows = rowsOf<{ residentId: string }>(
      await manager.query<unknown>(
        `UPDATE delivery SET complained_at = now(), updated_at = now()
          WHERE id = $1 AND channel = 'email' AND complained_at IS NULL AND status IN ('sent', 'delivered', 'unknown', 'bounced')
          RETURNING resident_id AS "residentId"`,
        [deliveryId],
      ),
    );
    if (rows[0]) return { residentId: rows[0].residentId, changed: true };
    const known = await this.findEmailDelivery(deliveryId);
    return known ? { residentId: known.residentId, changed: false } : null;
  }
}
