import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, JobHandler, JobName, type AppConfig } from '@beacon/core';
import { ResidentRepository } from './resident.repository';

/**
 * Data minimisation: a sign-up that never verified an address is kept only as long as its
 * verification link could still be used (plus a margin), then deleted with its preferences and
 * SMS codes. Nightly (03:40 Europe/London).
 */
@Injectable()
export class UnverifiedPurgeService {
  private readonly logger = new Logger('Residents');

  constructor(
    private readonly residents: ResidentRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @JobHandler(JobName.PurgeUnverifiedResidents)
  async purge(): Promise<number> {
    const before = new Date(Date.now() - this.config.residents.unverifiedRetentionDays * 24 * 3600 * 1000);
    const deleted = await this.residents.purgeUnverified(before);
    if (deleted) this.logger.log({ deleted, signedUpBefore: before }, 'Deleted sign-ups never verified');
    return deleted;
  }
}
