import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { AuditRepository } from './audit/audit.repository';
import { InjectConfig, type AppConfig } from './config/app-config';
import { JobHandler } from './queue/job-handler.decorator';
import { JobName } from './queue/jobs';
import { RateLimitRepository } from './rate-limit/rate-limit.repository';
import { daysBefore, RetentionPurgeProvider, type RetentionPurge } from './retention/retention';

/** Every 10 minutes: expired rate-limit buckets, then every retention purge (each lib's own and the audit log's). */
@Injectable()
@RetentionPurgeProvider()
export class HousekeepingService implements RetentionPurge {
  private readonly logger = new Logger('Housekeeping');
  readonly retentionName = 'audit events';

  constructor(
    private readonly buckets: RateLimitRepository,
    private readonly audit: AuditRepository,
    private readonly discovery: DiscoveryService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @JobHandler(JobName.Housekeeping)
  async run(now = new Date()): Promise<Record<string, number>> {
    await this.buckets.purgeBefore(new Date(now.getTime() - 24 * 3600 * 1000));
    const purged: Record<string, number> = {};
    for (const purge of this.purges()) {
      const n = await purge.purgeExpired(now);
      purged[purge.retentionName] = n;
      if (n) this.logger.log({ kind: purge.retentionName, deleted: n }, 'Retention: expired data deleted');
    }
    return purged;
  }

  async purgeExpired(now: Date): Promise<number> {
    return this.audit.deleteBefore(daysBefore(now, this.config.retention.auditDays));
  }

  private purges(): RetentionPurge[] {
    const seen = new Set<object>();
    return this.discovery
      .getProviders({ metadataKey: RetentionPurgeProvider.KEY })
      .map((w) => w.instance as RetentionPurge | undefined)
      .filter((p): p is RetentionPurge => !!p && typeof p.purgeExpired === 'function' && !seen.has(p) && !!seen.add(p));
  }
}
