import { StaffEntity } from '@beacon/auth';
import { NpuEntity } from '@beacon/geography';
import { MessageEntity } from '@beacon/messaging';
import { ResidentEntity } from '@beacon/residents';
import { InboundEmailEntity } from './inbound-email/inbound-email.entity';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';

export const REPLY_VIA = ['web', 'sms', 'email'] as const;
export type ReplyVia = (typeof REPLY_VIA)[number];
export const REPLY_STATUSES = ['open', 'answered', 'closed'] as const;
export type ReplyStatus = (typeof REPLY_STATUSES)[number];
export const RESPONSE_CHANNELS = ['email', 'sms'] as const;
export type ResponseChannel = (typeof RESPONSE_CHANNELS)[number];

/**
 * One resident's 1–6 score for one message; re-rating replaces it. On erasure the row stays
 * (the resident row stays too, emptied by the residents lib) and only the free-text comment is
 * nulled: score and dates are not personal data, and the aggregates must not change.
 */
@Entity('rating')
@Check('ck_rating_score', 'score BETWEEN 1 AND 6')
// Per-message figures read (message_id, score) only: an index-only scan.
@Index('idx_rating_message_score', ['messageId', 'score'])
@Index('idx_rating_resident', ['residentId'])
// The inbox's comments tab: the few ratings with a comment, newest first.
@Index('idx_rating_commented', ['updatedAt'], { where: 'comment IS NOT NULL' })
export class RatingEntity {
  @PrimaryColumn({ type: 'uuid' }) messageId: string;
  @ManyToOne(() => MessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id' })
  message?: Relation<MessageEntity>;
  @PrimaryColumn({ type: 'uuid' }) residentId: string;
  // RESTRICT: ratings outlive residents (erasure empties the resident row, never deletes it).
  @ManyToOne(() => ResidentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'resident_id' })
  resident?: Relation<ResidentEntity>;
  @Column({ type: 'smallint' }) score: number;
  @Column({ type: 'varchar', length: 1000, nullable: true }) comment: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/**
 * A message's ratings per score, kept by statement triggers on `rating` (migration
 * MaintainedRatingCounts), so the message detail (polled by the console while a message goes out)
 * and the rating summary read at most 6 × 16 rows, never the message's ratings. Each statement adds
 * its changes to the rows of its own stripe (its backend's pid mod 16): concurrent rating writes on
 * other connections do not wait on one shared row. Only sums over the stripes mean anything (a
 * stripe may go negative when a re-rating is written by another connection than the first rating).
 */
@Entity('message_rating_count')
export class MessageRatingCountEntity {
  @PrimaryColumn({ type: 'uuid' }) messageId: string;
  @ManyToOne(() => MessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id' })
  message?: Relation<MessageEntity>;
  @PrimaryColumn({ type: 'smallint' }) score: number;
  @PrimaryColumn({ type: 'smallint' }) stripe: number;
  @Column({ type: 'integer', default: 0 }) ratings: number;
}

/**
 * A resident's reply (web form, rating page or SMS). `npu_code` routes it to an inbox: the
 * message's NPU, or for force-wide messages (and SMS with no message) the resident's ward NPU.
 */
@Entity('reply')
@Check('ck_reply_via', "via IN ('web', 'sms', 'email')")
@Check('ck_reply_status', "status IN ('open', 'answered', 'closed')")
@Index('idx_reply_inbox', ['npuCode', 'status', 'createdAt', 'id'])
// Force-wide staff list every NPU's inbox.
@Index('idx_reply_status_created', ['status', 'createdAt', 'id'])
@Index('idx_reply_message', ['messageId'], { where: 'message_id IS NOT NULL' })
@Index('idx_reply_resident', ['residentId', 'createdAt'])
// Twilio retries a webhook it thinks failed: one reply per inbound MessageSid.
@Index('uq_reply_provider', ['providerId'], { unique: true, where: 'provider_id IS NOT NULL' })
// "Assigned to me".
@Index('idx_reply_assigned', ['assignedToId', 'status', 'createdAt', 'id'], { where: 'assigned_to_id IS NOT NULL' })
export class ReplyEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', nullable: true }) messageId: string | null;
  @ManyToOne(() => MessageEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'message_id' })
  message?: Relation<MessageEntity>;
  @Column({ type: 'uuid' }) residentId: string;
  @ManyToOne(() => ResidentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'resident_id' })
  resident?: Relation<ResidentEntity>;
  @Column({ type: 'varchar', length: 2000 }) body: string;
  @Column({ type: 'varchar', length: 8 }) via: ReplyVia;
  @Column({ type: 'varchar', length: 10, default: 'open' }) status: ReplyStatus;
  @Column({ type: 'varchar', length: 8 }) npuCode: string;
  @ManyToOne(() => NpuEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'npu_code', referencedColumnName: 'code' })
  npu?: Relation<NpuEntity>;
  /** Twilio MessageSid of an inbound SMS; `email:<digest>` of an e-mail reply's Message-ID. */
  @Column({ type: 'varchar', length: 64, nullable: true }) providerId: string | null;
  /** E-mail replies: the delivery whose reply address it came to (the answer gets its Reply-To). */
  @Column({ type: 'bigint', nullable: true }) deliveryId: string | null;
  /** E-mail replies: their Message-ID and References, so the staff answer joins the thread. */
  @Column({ type: 'varchar', length: 255, nullable: true }) emailMessageId: string | null;
  @Column({ type: 'varchar', length: 1000, nullable: true }) emailReferences: string | null;
  /** The colleague it is given to (null: nobody yet); staff accounts are deactivated, not deleted. */
  @Column({ type: 'uuid', nullable: true }) assignedToId: string | null;
  @ManyToOne(() => StaffEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'assigned_to_id', foreignKeyConstraintName: 'FK_reply_assigned_to' })
  assignedTo?: Relation<StaffEntity>;
  /** When staff first saw it in the inbox (null: unread). */
  @Column({ type: 'timestamptz', nullable: true }) readAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** A staff member's answer to a reply, sent to the resident on `channel`. */
@Entity('reply_response')
@Check('ck_reply_response_channel', "channel IN ('email', 'sms')")
@Index('idx_reply_response_reply', ['replyId', 'createdAt'])
export class ReplyResponseEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) replyId: string;
  @ManyToOne(() => ReplyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reply_id' })
  reply?: Relation<ReplyEntity>;
  @Column({ type: 'uuid' }) staffId: string;
  @ManyToOne(() => StaffEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'staff_id' })
  staff?: Relation<StaffEntity>;
  // 1500 keeps "prefix + body" inside Twilio's 1600-character limit.
  @Column({ type: 'varchar', length: 1500 }) body: string;
  @Column({ type: 'varchar', length: 8 }) channel: ResponseChannel;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

// Beside ReplyEntity (not in reply-attachments/): the two files would import each other.
/**
 * A file a resident attached to an e-mail reply and that was kept (allowed type by content,
 * within INBOUND_ATTACHMENT_MAX_BYTES). The bytes are in core's FileStore under `file_id`; this
 * row is their one owner: erasure and reply retention delete the file through it.
 */
@Entity('reply_attachment')
@Index('idx_reply_attachment_reply', ['replyId'])
export class ReplyAttachmentEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) replyId: string;
  @ManyToOne(() => ReplyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reply_id' })
  reply?: ReplyEntity;
  /** The FileStore key (no FK: the store may live outside this database). */
  @Column({ type: 'uuid' }) fileId: string;
  /** Made safe for a Content-Disposition header; its extension matches `content_type`. */
  @Column({ type: 'varchar', length: 100 }) filename: string;
  /** Detected from the bytes, never the sender's declared type. */
  @Column({ type: 'varchar', length: 100 }) contentType: string;
  @Column({ type: 'integer' }) size: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

export const ENGAGEMENT_ENTITIES = [RatingEntity, MessageRatingCountEntity, ReplyEntity, ReplyResponseEntity, InboundEmailEntity, ReplyAttachmentEntity];
