import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One signed webhook request seen (a provider's retry and an attacker's replay look the same):
 * keyed by the route and a digest of what the signature covers, so the same signed request is
 * processed once. `done_at` null = still being processed (or its process died). Purged after
 * `WEBHOOK_RECEIPT_DAYS`.
 */
@Entity('webhook_receipt')
@Index('idx_webhook_receipt_claimed', ['claimedAt'])
export class WebhookReceiptEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 }) route: string;
  /** hex SHA-256 of the signed content */
  @PrimaryColumn({ type: 'char', length: 64 }) digest: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) claimedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) doneAt: Date | null;
}
