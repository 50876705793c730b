import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  dropMonthlyPartitionsBefore,
  ensureMonthlyPartitions,
  InjectConfig,
  JobHandler,
  JobName,
  monthsBefore,
  RetentionPurgeProvider,
  type AppConfig,
  type MonthlyTable,
  type RetentionPurge,
} from '@beacon/core';

/**
 * `delivery` is partitioned by month of created_at (the month its message was released; migration
 * MonthlyPartitions). A still queued or sending row keeps its partition: nothing unsent is lost.
 */
export const DELIVERY_PARTITIONS: MonthlyTable = { table: 'delivery', key: 'created_at', keep: `status IN ('queued', 'sending')` };

/**
 * Delivery rows say which resident was sent which message: whole monthly partitions are dropped
 * once they ended DELIVERY_RETENTION_MONTHS whole months ago (rows that landed in the default
 * partition go row by row on the same rule). The message, its counts and the reports' aggregates
 * stay. Longer than RATING_LINK_TTL_DAYS (config refuses otherwise): a rating link names its
 * delivery. The `delivery-partitions` job creates the next months' partitions ahead of time.
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
    return dropMonthlyPartitionsBefore(this.db, DELIVERY_PARTITIONS, monthsBefore(now, this.config.retention.deliveryMonths));
  }

  /** As a job, pg-boss passes the cron job's payload (`{}`): that means now. */
  @JobHandler(JobName.DeliveryPartitions)
  async ensurePartitions(at: Date | Record<string, never> = new Date()): Promise<string[]> {
    return ensureMonthlyPartitions(this.db, DELIVERY_PARTITIONS, at instanceof Date ? at : new Date());
  }
}
