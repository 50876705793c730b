import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
// By name, not class: message.entity.ts lists this entity, so importing it back would be a cycle.
import type { MessageEntity } from '../message.entity';

export const ATTACHMENT_KINDS = ['image', 'pdf'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/**
 * An image or PDF a draft carries (`POST /api/v1/messages/{id}/attachments`). The bytes are in
 * core's FileStore under `file_id`: for an image its e-mail rendition (resized, re-encoded as
 * JPEG, no EXIF), made once at upload and sent to every recipient as it is. This row is the
 * file's one owner: deleting the attachment deletes the file.
 */
@Entity('message_attachment')
@Index('idx_message_attachment_message', ['messageId'])
export class MessageAttachmentEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) messageId: string;
  @ManyToOne('MessageEntity', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id' })
  message?: Relation<MessageEntity>;
  @Column({ type: 'varchar', length: 8 }) kind: AttachmentKind;
  /** The FileStore key (no FK: the store may live outside this database). */
  @Column({ type: 'uuid' }) fileId: string;
  /** Made safe for a MIME / Content-Disposition header; its extension matches `content_type`. */
  @Column({ type: 'varchar', length: 100 }) filename: string;
  /** Of the stored bytes (an image's rendition is image/jpeg), detected, never the uploader's word. */
  @Column({ type: 'varchar', length: 100 }) contentType: string;
  /** Required for an image (its alt text in the e-mail and web version); a PDF's link text. */
  @Column({ type: 'varchar', length: 250, nullable: true }) altText: string | null;
  @Column({ type: 'integer' }) size: number;
  @Column({ type: 'integer', nullable: true }) width: number | null;
  @Column({ type: 'integer', nullable: true }) height: number | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
