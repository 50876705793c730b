import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InjectConfig, type AppConfig } from './config/app-config';
import { dropMonthlyPartitionsBefore, ensureMonthlyPartitions, monthsBefore, type MonthlyTable } from './database/monthly-partitions';
import { JobHandler } from './queue/job-handler.decorator';
import { JobName } from './queue/jobs';
import { RateLimitRepository } from './rate-limit/rate-limit.repository';
import { RetentionPurgeProvider, type RetentionPurge } from './retention/retention';

/** `audit_event` is partitioned by month of `at` (migration MonthlyPartitions). */
export const AUDIT_PARTITIONS: MonthlyTable = { table: 'audit_event', key: 'at' };

/** Every 10 minutes: expired rate-limit buckets, then every retention purge (each lib's own and the audit log's). */
@Injectable()
@RetentionPurgeProvider()
export class HousekeepingService implements RetentionPurge {
  private readonly logger = new Logger('Housekeeping');
  readonly retentionName = 'audit events';

  constructor(
    private readonly buckets: RateLimitRepository,
    @InjectDataSource() private readonly db: DataSource,
    private readonly discovery: DiscoveryService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** As a job, pg-boss passes the cron job's payload (`{}`), not a time: that means now. */
  @JobHandler(JobName.Housekeeping)
  async run(at: Date | Record<string, never> = new Date()): Promise<Record<string, number>> {
    const now = at instanceof Date ? at : new Date();
    await this.buckets.purgeBefore(new Date(now.getTime() - 24 * 3600 * 1000));
    const purged: Record<string, number> = {};
    for (const purge of this.purges()) {
      const n = await purge.purgeExpired(now);
      purged[purge.retentionName] = n;
      if (n) this.logger.log({ kind: purge.retentionName, deleted: n }, 'Retention: expired data deleted');
    }
    return purged;
  }

  /** The audit log's retention: whole monthly partitions that ended AUDIT_RETENTION_MONTHS whole months ago. */
  async purgeExpired(now: Date): Promise<number> {
    return dropMonthlyPartitionsBefore(this.db, AUDIT_PARTITIONS, monthsBefore(now, this.config.retention.auditMonths));
  }

  /** `audit-partitions` (daily): next months' audit_event partitions, created ahead of time. */
  @JobHandler(JobName.AuditPartitions)
  async ensureAuditPartitions(at: Date | Record<string, never> = new Date()): Promise<string[]> {
    return ensureMonthlyPartitions(this.db, AUDIT_PARTITIONS, at instanceof Date ? at : new Date());
  }

  private purges(): RetentionPurge[] {
    const seen = new Set<object>();
    return this.discovery
      .getProviders({ metadataKey: RetentionPurgeProvider.KEY })
      .map((w) => w.instance as RetentionPurge | undefined)
      .filter((p): p is RetentionPurge => !!p && typeof p.purgeExpired === 'function' && !seen.has(p) && !!seen.add(p));
  }
}
