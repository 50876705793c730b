import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { daysBefore, deleteInBatches, FileStore, InjectConfig, RetentionPurgeProvider, type AppConfig, type RetentionPurge } from '@beacon/core';

/**
 * Replies (free text from residents) and the staff answers to them go REPLY_RETENTION_DAYS after
 * the reply, once answered or closed; an open reply is kept until someone deals with it.
 */
@Injectable()
@RetentionPurgeProvider()
export class ReplyRetention implements RetentionPurge {
  readonly retentionName = 'replies';
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly files: FileStore,
  ) {}

  purgeExpired(now: Date): Promise<number> {
    const before = daysBefore(now, this.config.retention.replyDays);
    // reply_response and reply_attachment rows go with their reply (ON DELETE CASCADE); the
    // attachments' files are read in the same statement (its snapshot still holds the rows) and
    // removed in the same transaction.
    return deleteInBatches(2000, (limit) =>
      this.db.transaction(async (tx) => {
        const [{ n, files }] = await tx.query<{ n: number; files: string[] }[]>(
          `WITH gone AS (DELETE FROM reply WHERE id IN (SELECT id FROM reply WHERE created_at < $1 AND status <> 'open' LIMIT $2) RETURNING id)
           SELECT (SELECT count(*)::int FROM gone) AS n,
                  ARRAY(SELECT a.file_id::text FROM reply_attachment a WHERE a.reply_id IN (SELECT id FROM gone)) AS files`,
          [before, limit],
        );
        await this.files.remove(files, tx);
        return n;
      }),
    );
  }
}
