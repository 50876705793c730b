import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ResidentDataExporterProvider, type ResidentDataExporter } from '@beacon/residents';

/**
 * The messages sent to a resident, for their GDPR export. On erasure the delivery rows stay
 * (message figures do not move) but `last_error` is cleared: a bounce or provider error quotes
 * the address it was sent to.
 */
@ResidentDataExporterProvider()
@Injectable()
export class DeliveryResidentData implements ResidentDataExporter {
  readonly section = 'messages';
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  // No resident index on delivery (see DeliveryEntity): probe each message's unique index.
  exportFor(residentId: string): Promise<unknown> {
    return this.db.query(
      `SELECT m.id AS "messageId", m.title, d.channel, d.status, d.attempts, d.last_error AS "lastError", d.sent_at AS "sentAt", d.created_at AS "createdAt"
         FROM message m JOIN LATERAL (
           SELECT channel, status, attempts, last_error, sent_at, created_at FROM delivery d WHERE d.message_id = m.id AND d.resident_id = $1) d ON true
        WHERE m.send_requested_at IS NOT NULL
        ORDER BY d.created_at, d.channel`,
      [residentId],
    );
  }

  // Same probe as the export (no resident index on delivery): one index lookup per sent message.
  async eraseFor(residentId: string, tx: EntityManager): Promise<void> {
    await tx.query(
      `UPDATE delivery SET last_error = NULL
        WHERE id IN (SELECT d.id FROM message m JOIN LATERAL (
                       SELECT id FROM delivery d WHERE d.message_id = m.id AND d.resident_id = $1 AND d.last_error IS NOT NULL) d ON true
                      WHERE m.send_requested_at IS NOT NULL)`,
      [residentId],
    );
  }
}
