import { Injectable } from '@nestjs/common';
import { daysBefore, deleteInBatches, InjectConfig, RetentionPurgeProvider, type AppConfig, type RetentionPurge } from '@beacon/core';
import { InboundEmailRepository } from './inbound-email.repository';

/**
 * Inbound e-mails as received (raw MIME) go INBOUND_EMAIL_RETENTION_DAYS after they arrived,
 * read or not: what was taken from them (a reply, a bounce, a complaint) lives in its own table.
 */
@Injectable()
@RetentionPurgeProvider()
export class InboundEmailRetention implements RetentionPurge {
  readonly retentionName = 'inbound e-mails';
  constructor(
    private readonly inbound: InboundEmailRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  purgeExpired(now: Date): Promise<number> {
    const before = daysBefore(now, this.config.retention.inboundEmailDays);
    return deleteInBatches(500, (limit) => this.inbound.purgeBefore(before, limit));
  }
}
