import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { rowsOf } from '@beacon/core';

export interface ReplyAttachmentView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

@Injectable()
export class ReplyAttachmentRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(r: { replyId: string; fileId: string; filename: string; contentType: string; size: number }, tx: EntityManager): Promise<void> {
    await tx.query<unknown>(`INSERT INTO reply_attachment (reply_id, file_id, filename, content_type, size) VALUES ($1, $2, $3, $4, $5)`, [
      r.replyId,
      r.fileId,
      r.filename,
      r.contentType,
      r.size,
    ]);
  }

  /** Kept attachments of these replies, oldest first (one query for a page of replies). */
  async forReplies(replyIds: string[]): Promise<(ReplyAttachmentView & { replyId: string })[]> {
    if (!replyIds.length) return [];
    return this.db.query<(ReplyAttachmentView & { replyId: string })[]>(
      `SELECT id, reply_id AS "replyId", filename, content_type AS "contentType", size FROM reply_attachment
        WHERE reply_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [replyIds],
    );
  }

  /** The attachment only if it belongs to this reply (an id from another reply is not found). */
  async findOfReply(replyId: string, id: string): Promise<(ReplyAttachmentView & { fileId: string }) | null> {
    const [row] = await this.db.query<(ReplyAttachmentView & { fileId: string })[]>(
      `SELECT id, file_id AS "fileId", filename, content_type AS "contentType", size FROM reply_attachment WHERE id = $1 AND reply_id = $2`,
      [id, replyId],
    );
    return row ?? null;
  }

  /** Erasure: the resident's attachment rows go; returns the file keys to delete with them. */
  async deleteForResident(residentId: string, manager: EntityManager): Promise<string[]> {
    const rows = rowsOf<{ fileId: string }>(
      await manager.query(`DELETE FROM reply_attachment WHERE reply_id IN (SELECT id FROM reply WHERE resident_id = $1) RETURNING file_id AS "fileId"`, [residentId]),
    );
    return rows.map((r) => r.fileId);
  }

  /** Export: what they sent (names, types, sizes; the bytes stay behind). */
  forResident(residentId: string): Promise<(ReplyAttachmentView & { replyId: string })[]> {
    return this.db.query<(ReplyAttachmentView & { replyId: string })[]>(
      `SELECT a.id, a.reply_id AS "replyId", a.filename, a.content_type AS "contentType", a.size
         FROM reply_attachment a JOIN reply rp ON rp.id = a.reply_id WHERE rp.resident_id = $1 ORDER BY a.created_at, a.id`,
      [residentId],
    );
  }
}
