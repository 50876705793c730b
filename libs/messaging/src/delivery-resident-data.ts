import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ResidentDataExporterProvider, type ResidentDataExporter } from '@beacon/residents';

/**
 * The messages sent to a resident, for their GDPR export. Deliveries hold no personal data
 * beyond the resident id, so erasure leaves them (the resident row itself is blanked).
 */
@ResidentDataExporterProvider()
@Injectable()
export class DeliveryResidentData implements ResidentDataExporter {
  readonly section = 'messages';
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  // No resident index on delivery (see DeliveryEntity): probe each message's unique index.
  exportFor(residentId: string): Promise<unknown> {
    return this.db.query(
      `SELECT m.id AS "messageId", m.title, d.channel, d.status, d.sent_at AS "sentAt", d.created_at AS "createdAt"
         FROM message m JOIN LATERAL (
           SELECT channel, status, sent_at, created_at FROM delivery d WHERE d.message_id = m.id AND d.resident_id = $1) d ON true
        WHERE m.send_requested_at IS NOT NULL
        ORDER BY d.created_at, d.channel`,
      [residentId],
    );
  }
}
