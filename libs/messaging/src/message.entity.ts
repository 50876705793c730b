import { StaffEntity } from '@beacon/auth';
import { NpuEntity } from '@beacon/geography';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import type { AudienceSpec } from './audience/audience-spec';
import { MessageAttachmentEntity } from './attachments/message-attachment.entity';
import { MessageTemplateEntity } from './templates/message-template.entity';

/** A message's translations by language code (never 'en': title and body are the English). */
export type MessageTranslations = Record<string, { title: string; body: string }>;

export const MESSAGE_STATUSES = ['draft', 'pending_approval', 'scheduled', 'sending', 'paused', 'sent', 'cancelled'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
/** `unknown`: the provider got the whole message but did not answer in time; recorded, never resent. */
export const DELIVERY_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'failed', 'bounced', 'cancelled', 'unknown'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

@Entity('message')
@Index('idx_message_npu_created', ['npuCode', 'createdAt'])
@Index('idx_message_author_created', ['authorId', 'createdAt'])
@Index('idx_message_sent_at', ['sentAt'], { where: 'sent_at IS NOT NULL' })
export class MessageEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) authorId: string;
  @ManyToOne(() => StaffEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id' })
  author?: Relation<StaffEntity>;
  /** The one NPU every target lies in; null = several NPUs or force-wide. */
  @Column({ type: 'varchar', length: 8, nullable: true }) npuCode: string | null;
  @ManyToOne(() => NpuEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'npu_code', referencedColumnName: 'code' })
  npu?: Relation<NpuEntity>;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ type: 'text' }) body: string;
  @Column({ type: 'varchar', length: 40 }) category: string;
  @Column({ type: 'varchar', length: 12, default: 'standard' }) priority: string;
  @Column({ type: 'varchar', array: true }) channels: string[];
  @Column({ type: 'jsonb' }) audience: AudienceSpec;
  /** Ward codes the audience resolved to when it was composed (empty = no geographic limit). */
  @Column({ type: 'varchar', array: true, default: () => "'{}'" }) wardCodes: string[];
  @Column({ type: 'varchar', length: 20, default: 'draft' }) status: MessageStatus;
  @Column({ type: 'timestamptz', nullable: true }) scheduledAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) sendRequestedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) sentAt: Date | null;
  @Column({ type: 'integer', nullable: true }) recipientCount: number | null;
  @Column({ type: 'uuid', nullable: true }) approvedBy: string | null;
  @Column({ type: 'timestamptz', nullable: true }) approvedAt: Date | null;
  @Column({ type: 'varchar', length: 300, nullable: true }) pausedReason: string | null;
  /** A survey (libs/surveys) the message links to: each recipient gets their own signed survey link. */
  @Column({ type: 'uuid', nullable: true }) surveyId: string | null;
  /** The template it was composed from; its text is rendered into title and body (no link back needed to read it). */
  @Column({ type: 'uuid', nullable: true }) templateId: string | null;
  @ManyToOne(() => MessageTemplateEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'template_id' })
  template?: Relation<MessageTemplateEntity>;
  /** Staff-entered translations by language code (`{ ur: { title, body } }`, fields already filled); residents of another language get English. */
  @Column({ type: 'jsonb', default: () => "'{}'" }) translations: MessageTranslations;
  /** Withdrawn after sending: its web version says so (410); e-mails already delivered cannot be recalled. */
  @Column({ type: 'timestamptz', nullable: true }) withdrawnAt: Date | null;
  @Column({ type: 'uuid', nullable: true }) withdrawnBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/**
 * One row per (message, resident, channel): the fan-out's output and the senders' work list.
 * The largest table (20M+ rows), so it is kept lean on purpose:
 * - bigint ids, not uuid: half the key size, and rating links stay short enough for SMS;
 * - no foreign keys: rows are only ever written by the fan-out's join over existing
 *   residents and an existing message, neither of which is ever deleted (erasure blanks a
 *   resident, a message is cancelled), and FK triggers doubled the fan-out time;
 * - no index by resident: per-resident look-ups (GDPR export, SMS reply matching) probe the
 *   unique (message, resident, channel) index message by message instead, so the fan-out
 *   does not pay for random inserts into a table-wide resident index;
 * - no index of all pending rows: senders walk the unique index from a per-partition cursor
 *   (delivery_cursor); only rows that wait for a later time are indexed (idx_delivery_retry).
 */
@Entity('delivery')
// Partitioned by month of created_at (migration MonthlyPartitions): unique keys hold the partition
// key, and created_at is one value per message (the fan-out sets it), so this is still one row per
// (message, resident, channel).
@Unique('uq_delivery_message_resident_channel', ['messageId', 'residentId', 'channel', 'createdAt'])
// Rows waiting for a later time (retry backoff, rate-limit pause, re-queued claims, SMS quiet hours):
// a small set. Fresh rows from the fan-out are found through delivery_cursor instead, so the
// fan-out writes no index entry for the work list.
@Index('idx_delivery_retry', ['messageId', 'channel', 'notBefore'], { where: "status = 'queued' AND not_before IS NOT NULL" })
@Index('idx_delivery_sending', ['claimedAt'], { where: "status = 'sending'" })
@Index('idx_delivery_provider', ['providerId'], { where: 'provider_id IS NOT NULL' })
export class DeliveryEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' }) id: string;
  @Column({ type: 'uuid' }) messageId: string;
  @Column({ type: 'uuid' }) residentId: string;
  @Column({ type: 'varchar', length: 8 }) channel: string;
  @Column({ type: 'varchar', length: 10, default: 'queued' }) status: DeliveryStatus;
  @Column({ type: 'varchar', length: 120, nullable: true }) providerId: string | null;
  @Column({ type: 'smallint', default: 0 }) attempts: number;
  @Column({ type: 'varchar', length: 500, nullable: true }) lastError: string | null;
  /** Not before this time (SMS quiet hours, retry backoff). */
  @Column({ type: 'timestamptz', nullable: true }) notBefore: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) claimedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) sentAt: Date | null;
  /** DSN status code of a bounce reported after the e-mail left (5.x.x hard, 4.x.x soft). */
  @Column({ type: 'varchar', length: 10, nullable: true }) bounceStatus: string | null;
  /** When a feedback-loop (ARF) report said the resident marked the e-mail as spam. */
  @Column({ type: 'timestamptz', nullable: true }) complainedAt: Date | null;
  /** The partition key: the message's send_requested_at when the fan-out wrote the row (else now()). */
  @CreateDateColumn({ type: 'timestamptz', primary: true }) createdAt: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

/**
 * The fan-out's partitions and the senders' place in each. A fan-out splits the resident-id space
 * into ranges (after_resident, last_resident] and inserts each range's deliveries in committed
 * slices, with one row here per channel: its `written_upto` is the "written so far" marker that
 * makes a re-run resume (and insert nothing once the range is done), and the cursor senders advance through the range, claiming
 * batches from the unique (message, resident, channel) index. `exhausted` once a claim finds the
 * range's end.
 */
@Entity('delivery_cursor')
export class DeliveryCursorEntity {
  @PrimaryColumn({ type: 'uuid' }) messageId: string;
  @ManyToOne(() => MessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id' })
  message?: Relation<MessageEntity>;
  @PrimaryColumn({ type: 'varchar', length: 8 }) channel: string;
  @PrimaryColumn({ type: 'smallint' }) part: number;
  /** How many ranges the message's fan-out uses (fixed by its first run). */
  @Column({ type: 'smallint' }) parts: number;
  /** Exclusive lower bound of the range still to claim; advances with each claim. */
  @Column({ type: 'uuid' }) afterResident: string;
  /** Inclusive upper bound of the range. */
  @Column({ type: 'uuid' }) lastResident: string;
  @Column({ type: 'integer', default: 0 }) inserted: number;
  @Column({ type: 'boolean', default: false }) exhausted: boolean;
  /**
   * How far the fan-out has committed this range's rows (it writes a range in slices, the first
   * small, so senders start while the rest is written); NULL once the whole range is written.
   * Claims never pass it, and a re-run after a crash resumes the range from it.
   */
  @Column({ type: 'uuid', nullable: true }) writtenUpto: string | null;
}

/** Per-message per-channel counts of consecutive provider errors, for auto-pause. */
@Entity('message_channel_health')
export class MessageChannelHealthEntity {
  @PrimaryColumn({ type: 'uuid' }) messageId: string;
  @ManyToOne(() => MessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id' })
  message?: Relation<MessageEntity>;
  @PrimaryColumn({ type: 'varchar', length: 8 }) channel: string;
  @Column({ type: 'integer', default: 0 }) consecutiveErrors: number;
}

/**
 * A message's deliveries counted per channel and state (issue 24: progress without a scan of
 * `delivery`). `state` is the delivery status, except a queued row waiting for a time
 * (`not_before` set: retry, pause, quiet hours), which is `waiting`. Append-only: the statement
 * trigger `trg_delivery_count_*` on `delivery` adds each statement's change as new rows (counts
 * may be negative), so no writer waits on another's counter row; readers sum a message's rows,
 * and `SendProgressRepository.compactCounts` folds them into one per channel and state.
 */
@Entity('message_delivery_count')
@Index('idx_message_delivery_count_message', ['messageId', 'channel', 'state'])
export class MessageDeliveryCountEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'PK_message_delivery_count' }) id: string;
  @Column({ type: 'uuid' }) messageId: string;
  @ManyToOne(() => MessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id' })
  message?: Relation<MessageEntity>;
  @Column({ type: 'varchar', length: 8 }) channel: string;
  @Column({ type: 'varchar', length: 16 }) state: string;
  @Column({ type: 'bigint', default: 0 }) deliveries: string;
  /** Of those, the ones with a spam complaint (`complained_at`). */
  @Column({ type: 'bigint', default: 0 }) complained: string;
}

/**
 * A message's recipients by the language they gave (trimmed and lower-cased; '' for none), for the
 * message detail and the SIM pack's "messages by language" without a scan of `delivery`. Written by
 * the fan-out in each slice's transaction (append-only: a row per slice and language, as
 * parallel ranges must not wait on a shared row), folded into one row per language when it ends.
 */
@Entity('message_language_recipients')
@Index('idx_message_language_recipients_message', ['messageId'])
export class MessageLanguageRecipientsEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'PK_message_language_recipients' }) id: string;
  @Column({ type: 'uuid' }) messageId: string;
  @Column({ type: 'varchar', length: 40 }) language: string;
  @Column({ type: 'integer', default: 0 }) recipients: number;
}

export const MESSAGING_ENTITIES = [
  MessageEntity,
  DeliveryEntity,
  DeliveryCursorEntity,
  MessageChannelHealthEntity,
  MessageTemplateEntity,
  MessageDeliveryCountEntity,
  MessageAttachmentEntity,
  MessageLanguageRecipientsEntity,
];
