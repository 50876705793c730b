import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const INBOUND_EMAIL_OUTCOMES = ['pending', 'reply', 'auto_reply', 'bounce', 'soft_bounce', 'delayed', 'complaint', 'dropped', 'ignored', 'rate_limited'] as const;
export type InboundEmailOutcome = (typeof INBOUND_EMAIL_OUTCOMES)[number];
export const INBOUND_EMAIL_VIA = ['smtp', 'webhook'] as const;
export type InboundEmailVia = (typeof INBOUND_EMAIL_VIA)[number];

/**
 * An e-mail received at a reply or bounce address, kept as it came (raw MIME) only until
 * INBOUND_EMAIL_RETENTION_DAYS: the job `inbound-email` names the row, never carries the mail.
 * Once read it says what it was (`outcome`) and whom it concerned (`resident_id`, from the
 * verified address token, never from a header), which is what erasure deletes by.
 */
@Entity('inbound_email')
@Check('ck_inbound_email_outcome', `outcome IN (${INBOUND_EMAIL_OUTCOMES.map((o) => `'${o}'`).join(', ')})`)
@Check('ck_inbound_email_via', "via IN ('smtp', 'webhook')")
@Index('idx_inbound_email_received', ['receivedAt'])
@Index('idx_inbound_email_resident', ['residentId'], { where: 'resident_id IS NOT NULL' })
export class InboundEmailEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 8 }) via: InboundEmailVia;
  /** The address of ours it was sent to (reply+… / bounce+…); null from the webhook when none was named. */
  @Column({ type: 'varchar', length: 254, nullable: true }) recipient: string | null;
  @Column({ type: 'bytea' }) raw: Buffer;
  @Column({ type: 'integer' }) size: number;
  @Column({ type: 'varchar', length: 16, default: 'pending' }) outcome: InboundEmailOutcome;
  /** Why, in a few words: a DSN status, a drop reason (no text of the mail). */
  @Column({ type: 'varchar', length: 200, nullable: true }) detail: string | null;
  // No FKs: the row outlives nothing (purged within days) and is deleted on erasure by resident_id.
  @Column({ type: 'uuid', nullable: true }) residentId: string | null;
  @Column({ type: 'bigint', nullable: true }) deliveryId: string | null;
  @Column({ type: 'uuid', nullable: true }) replyId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) receivedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) processedAt: Date | null;
}
