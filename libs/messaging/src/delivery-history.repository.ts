import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** One delivery of a message to the resident, as their GDPR export lists it. */
export interface DeliveryHistoryRow {
  messageId: string;
  title: string;
  channel: string;
  status: string;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  createdAt: Date;
}

/**
 * A resident's deliveries across messages. No resident index on delivery (see DeliveryEntity):
 * both queries probe each sent message's unique (message, resident, channel) index.
 */
@Injectable()
export class DeliveryHistoryRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  findForResident(residentId: string): Promise<DeliveryHistoryRow[]> {
    return this.db.query<DeliveryHistoryRow[]>(
      `SELECT m.id AS "messageId", m.title, d.channel, d.status, d.attempts, d.last_error AS "lastError", d.sent_at AS "sentAt", d.created_at AS "createdAt"
         FROM message m JOIN LATERAL (
           SELECT channel, status, attempts, last_error, sent_at, created_at FROM delivery d WHERE d.message_id = m.id AND d.resident_id = $1) d ON true
        WHERE m.send_requested_at IS NOT NULL
        ORDER BY d.created_at, d.channel`,
      [residentId],
    );
  }

  /** Clears provider error texts (a bounce quotes the address); the rows stay for the message's figures. */
  async clearErrorsOf(residentId: string, tx: EntityManager): Promise<void> {
    await tx.query<unknown>(
      `UPDATE delivery SET last_error = NULL
        WHERE id IN (SELECT d.id FROM message m JOIN LATERAL (
                       SELECT id FROM delivery d WHERE d.message_id = m.id AND d.resident_id = $1 AND d.last_error IS NOT NULL) d ON true
                      WHERE m.send_requested_at IS NOT NULL)`,
      [residentId],
    );
  }
}
