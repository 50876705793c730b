import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { daysBefore, InjectConfig, RetentionPurgeProvider, type AppConfig, type RetentionPurge } from '@beacon/core';
import { ResidentAccountService } from './resident-account.service';

const PER_RUN = 200;

/**
 * A resident who unsubscribed from everything is erased INACTIVE_RESIDENT_RETENTION_DAYS after
 * leaving, by the same erasure a resident can ask for (every table, job and export section through
 * the exporters), so nothing is left that an erasure would have removed. At most PER_RUN per run.
 */
@Injectable()
@RetentionPurgeProvider()
export class InactiveResidentRetention implements RetentionPurge {
  readonly retentionName = 'inactive residents';
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly accounts: ResidentAccountService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async purgeExpired(now: Date): Promise<number> {
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT id FROM resident WHERE status = 'unsubscribed' AND left_at < $1 ORDER BY left_at LIMIT ${PER_RUN}`,
      [daysBefore(now, this.config.retention.inactiveResidentDays)],
    );
    for (const r of rows) await this.accounts.erase(r.id);
    return rows.length;
  }
}
