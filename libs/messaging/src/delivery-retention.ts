import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { daysBefore, deleteInBatches, InjectConfig, RetentionPurgeProvider, type AppConfig, type RetentionPurge } from '@beacon/core';

/**
 * Delivery rows say which resident was sent which message: they go DELIVERY_RETENTION_DAYS after
 * their message was sent or cancelled (the message, its counts and the reports' aggregates stay).
 * Longer than RATING_LINK_TTL_DAYS (config refuses otherwise): a rating link names its delivery.
 */
@Injectable()
@RetentionPurgeProvider()
export class DeliveryRetention implements RetentionPurge {
  readonly retentionName = 'deliveries';
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  purgeExpired(now: Date): Promise<number> {
    const before = daysBefore(now, this.config.retention.deliveryDays);
    return deleteInBatches(5000, async (limit) => {
      const [{ n }] = await this.db.query<{ n: number }[]>(
        `WITH gone AS (
           DELETE FROM delivery WHERE id IN (
             SELECT d.id FROM delivery d JOIN message m ON m.id = d.message_id
              WHERE m.status IN ('sent', 'cancelled') AND coalesce(m.sent_at, m.updated_at) < $1
                AND d.status NOT IN ('queued', 'sending')
              LIMIT $2)
           RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [before, limit],
      );
      return n;
    });
  }
}
