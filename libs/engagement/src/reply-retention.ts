import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { daysBefore, deleteInBatches, InjectConfig, RetentionPurgeProvider, type AppConfig, type RetentionPurge } from '@beacon/core';

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
  ) {}

  purgeExpired(now: Date): Promise<number> {
    const before = daysBefore(now, this.config.retention.replyDays);
    // reply_response rows go with their reply (ON DELETE CASCADE).
    return deleteInBatches(2000, async (limit) => {
      const [{ n }] = await this.db.query<{ n: number }[]>(
        `WITH gone AS (DELETE FROM reply WHERE id IN (SELECT id FROM reply WHERE created_at < $1 AND status <> 'open' LIMIT $2) RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [before, limit],
      );
      return n;
    });
  }
}
