import { Injectable } from '@nestjs/common';
import { daysBefore, InjectConfig, RetentionPurgeProvider, type AppConfig, type RetentionPurge } from '@beacon/core';
import { ResidentAccountService } from './resident-account.service';
import { ResidentRepository } from './resident.repository';

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
    private readonly residents: ResidentRepository,
    private readonly accounts: ResidentAccountService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async purgeExpired(now: Date): Promise<number> {
    const ids = await this.residents.leftBefore(daysBefore(now, this.config.retention.inactiveResidentDays), { limit: PER_RUN });
    for (const id of ids) await this.accounts.erase(id);
    return ids.length;
  }
}
