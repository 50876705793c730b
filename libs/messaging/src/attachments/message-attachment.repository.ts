import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { rowsOf } from '@beacon/core';
import type { AttachmentKind } from './message-attachment.entity';

/** An attachment as staff and pages see it (no file key). */
export interface AttachmentView {
  id: string;
  kind: AttachmentKind;
  filename: string;
  contentType: string;
  altText: string | null;
  size: number;
  width: number | null;
  height: number | null;
  createdAt: Date;
}
export type AttachmentRow = AttachmentView & { fileId: string };
export type NewAttachment = Omit<AttachmentRow, 'id' | 'createdAt'> & { messageId: string };

const COLUMNS = `id, kind, file_id AS "fileId", filename, content_type AS "contentType", alt_text AS "altText", size, width, height, created_at AS "createdAt"`;

/** Every write and read of `message_attachment`; one query per message, never per recipient. */
@Injectable()
export class MessageAttachmentRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /**
   * In the upload's or removal's transaction: the message row locked (a send or another upload
   * waits), its status and its attachments counted by kind, so the caps hold under concurrency.
   */
  async lockMessage(messageId: string, tx: EntityManager): Promise<{ status: string; counts: Record<AttachmentKind, number> } | null> {
    const [m] = await tx.query<{ status: string }[]>(`SELECT status FROM message WHERE id = $1 FOR UPDATE`, [messageId]);
    if (!m) return null;
    const rows = await tx.query<{ kind: AttachmentKind; n: number }[]>(`SELECT kind, count(*)::int AS n FROM message_attachment WHERE message_id = $1 GROUP BY kind`, [messageId]);
    const counts = { image: 0, pdf: 0 };
    for (const r of rows) counts[r.kind] = r.n;
    return { status: m.status, counts };
  }

  async insert(a: NewAttachment, tx: EntityManager): Promise<AttachmentView> {
    const [row] = await tx.query<AttachmentRow[]>(
      `INSERT INTO message_attachment (message_id, kind, file_id, filename, content_type, alt_text, size, width, height)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [a.messageId, a.kind, a.fileId, a.filename, a.contentType, a.altText, a.size, a.width, a.height],
    );
    return view(row);
  }

  /** Oldest first: the order they were added is the order they are shown. */
  async forMessage(messageId: string): Promise<AttachmentRow[]> {
    return this.db.query<AttachmentRow[]>(`SELECT ${COLUMNS} FROM message_attachment WHERE message_id = $1 ORDER BY created_at, id`, [messageId]);
  }

  /** The attachment only if it belongs to this message (another message's id is not found). */
  async findOfMessage(messageId: string, id: string): Promise<AttachmentRow | null> {
    const [row] = await this.db.query<AttachmentRow[]>(`SELECT ${COLUMNS} FROM message_attachment WHERE id = $1 AND message_id = $2`, [id, messageId]);
    return row ?? null;
  }

  /** Returns the file key to delete with the row (null: it was gone already). */
  async delete(messageId: string, id: string, tx: EntityManager): Promise<string | null> {
    const rows = rowsOf<{ fileId: string }>(await tx.query(`DELETE FROM message_attachment WHERE id = $1 AND message_id = $2 RETURNING file_id AS "fileId"`, [id, messageId]));
    return rows[0]?.fileId ?? null;
  }
}

export function view({ fileId: _fileId, ...v }: AttachmentRow): AttachmentView {
  return v;
}
